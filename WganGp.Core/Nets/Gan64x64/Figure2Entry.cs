namespace WganGp.Core.Nets;

/// <summary>A row of Figure 2 (gan_64x64.py) at size × size with the given channels and width (DIM = 64·width).</summary>
public sealed record Figure2Entry(Figure2Variant Variant, int Size, int Channels, double Width) : ArchitectureEntry
{
    public override long[] InputShape => [Channels, Size, Size];
    public override DataKind Data => DataKind.Images;

    /// <summary>gan_64x64.py's Normalize: layer norm in a critic that cannot have batch norm.</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs) =>
        new(needs.ToleratesBatchNorm ? Normalization.Batch : Normalization.Layer);

    public override NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape)
    {
        var dim = Figure2Width.Dim(Width);
        return new(() => Figure2.Generator(Variant, Size, Channels, dim, init: init),
                   () => Figure2.Critic(Variant, norms.Critic, Size, Channels, dim, init));
    }

    public override IEnumerable<string> Problems()
    {
        if (Variant == Figure2Variant.ResNet101 && Size != 32 && Size != 64)
            yield return $"the ResNet-101 pair is defined at 32 or 64, got {Size}";
        else if (Size < 8 || (Size & (Size - 1)) != 0)
            yield return $"size must be a power of two of at least 8, got {Size}";
        else if (Figure2Width.Check(Variant, Size, Width) is { } problem)
            yield return problem;
    }
}
