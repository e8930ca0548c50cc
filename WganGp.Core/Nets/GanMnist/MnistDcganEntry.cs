using WganGp.Core.Data;

namespace WganGp.Core.Nets;

/// <summary>gan_mnist.py's pair for 28 × 28 × 1; its generator ends in a sigmoid, so the data must be in [0, 1].</summary>
public sealed record MnistDcganEntry : ArchitectureEntry
{
    public override long[] InputShape => [1, 28, 28];
    public override DataKind Data => DataKind.Images;
    public override PixelScaling? RequiredScaling => PixelScaling.ZeroOne;

    /// <summary>gan_mnist.py: batch norm in both networks only in mode 'wgan' (weight clipping).</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs)
    {
        var norm = needs.ClipsWeights ? Normalization.Batch : Normalization.None;
        return new(norm, norm);
    }

    public override NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape) =>
        new(() => new MnistDcganGenerator(norm: norms.Generator ?? norms.Critic, init: init),
            () => new MnistDcganCritic(norm: norms.Critic, init: init));
}
