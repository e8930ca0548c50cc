using WganGp.Core.Registry;
using WganGp.Core.Data;

namespace WganGp.Core.Nets;

/// <summary>gan_mnist.py's pair for 28 × 28 × 1; its generator ends in a sigmoid, so the data must be in [0, 1].</summary>
[Kind("mnist-dcgan")]
public sealed class MnistDcganEntry : ArchitectureEntry
{
    public override string Name => "mnist-dcgan";
    public override long[] InputShape => [1, 28, 28];
    public override DataKind Data => DataKind.Images;
    public override PixelScaling? RequiredScaling => PixelScaling.ZeroOne;

    /// <summary>gan_mnist.py: batch norm in both networks only in mode 'wgan' (weight clipping).</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs)
    {
        var norm = needs.ClipsWeights ? Normaliser.Batch : Normaliser.None;
        return new(norm, norm);
    }

    public override NetworkFactories Networks(NetworkSpec spec) =>
        new(() => new MnistDcganGenerator(spec.LatentDim, norm: spec.Normalisers.Generator ?? spec.Normalisers.Critic, init: spec.Init),
            () => new MnistDcganCritic(norm: spec.Normalisers.Critic, init: spec.Init));
}
