namespace WganGp.Core.Nets;

/// <summary>gan_toy.py's ReLU MLPs on 2-D points: <c>layers</c> Linear layers of <c>width</c> units, latent size 2, no
/// normaliser.</summary>
public sealed record ToyMlpEntry(int Width, int Layers) : ArchitectureEntry
{
    public override long[] InputShape => [2];
    public override int LatentDim => 2;
    public override DataKind Data => DataKind.Points;

    public override NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape) =>
        new(() => new Mlp(2, Width, 2, Layers, init: init), () => new Mlp(2, Width, 1, Layers, init: init));
}
