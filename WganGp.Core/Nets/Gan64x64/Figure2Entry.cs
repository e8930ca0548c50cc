using WganGp.Core.Data;
using WganGp.Core.Registry;
namespace WganGp.Core.Nets;

/// <summary>A row of Figure 2 (gan_64x64.py) at size × size with the given channels and width (DIM = 64·width; runs
/// recorded before the width knob hold none: theirs is the paper's, 1).</summary>
[Kind("figure2")]
public sealed class Figure2Entry(Figure2Variant variant, int size, int channels, double width = 1.0) : ArchitectureEntry
{
    public Figure2Variant Variant { get; } = variant;
    public int Size { get; } = size;
    public int Channels { get; } = channels;
    public double Width { get; } = width;

    /// <summary>Figure 2's rows by the names cell ids and bench/reference.py use.</summary>
    public static string RowName(Figure2Variant variant) => variant switch
    {
        Figure2Variant.Dcgan => "dcgan",
        Figure2Variant.NoNormConstantFilters => "constant-g",
        Figure2Variant.MlpGenerator => "mlp-g",
        Figure2Variant.NoNormalization => "no-norm",
        Figure2Variant.Gated => "gated",
        Figure2Variant.Tanh => "tanh",
        Figure2Variant.ResNet101 => "resnet101",
        _ => variant.ToString(),
    };

    /// <summary>The width only when it is not the paper's, so the ids of width-1 cells stay as they were.</summary>
    public override string Name =>
        Width == 1.0 ? $"{RowName(Variant)}-{Size}c{Channels}" : $"{RowName(Variant)}-{Size}c{Channels}-w{Figure2Width.Format(Width)}";

    public override long[] InputShape => [Channels, Size, Size];
    public override DataKind Data => DataKind.Images;

    /// <summary>gan_64x64.py's Normalize: layer norm in a critic that cannot have batch norm.</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs) =>
        new(needs.ToleratesBatchNorm ? Normaliser.Batch : Normaliser.Layer);

    public override NetworkFactories Networks(NetworkSpec spec)
    {
        var dim = Figure2Width.Dim(Width);
        return new(() => Figure2.Generator(Variant, Size, Channels, dim, spec.LatentDim, spec.Init),
                   () => Figure2.Critic(Variant, spec.Normalisers.Critic, Size, Channels, dim, spec.Init));
    }

    public override ArchitectureEntry WithWidth(double width) => new Figure2Entry(Variant, Size, Channels, width);

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
