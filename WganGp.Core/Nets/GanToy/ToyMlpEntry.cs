using WganGp.Core.Data;
using WganGp.Core.Registry;
namespace WganGp.Core.Nets;

/// <summary>gan_toy.py's ReLU MLPs on 2-D points: <c>layers</c> Linear layers of <c>width</c> units, latent size 2, no
/// normaliser.</summary>
[Kind("toy-mlp")]
public sealed class ToyMlpEntry(int width, int layers) : ArchitectureEntry
{
    public int Width { get; } = width;
    public int Layers { get; } = layers;
    public override string Name => $"mlp{Width}x{Layers}";
    public override long[] InputShape => [2];
    public override int LatentDim => 2;
    public override DataKind Data => DataKind.Points;

    public override NetworkFactories Networks(NetworkSpec spec) =>
        new(() => new Mlp(spec.LatentDim, Width, 2, Layers, init: spec.Init), () => new Mlp(2, Width, 1, Layers, init: spec.Init));
}
