using System.Globalization;

namespace WganGp.Core.Nets;

/// <summary>Figure 2's width multiplier: the code's DIM (64) times the width is every channel count's base.</summary>
public static class Figure2Width
{
    /// <summary>The paper's DIM.</summary>
    public const int PaperDim = 64;

    /// <summary>DIM at this width (64·width, rounded; <see cref="Check"/> says whether that is exact).</summary>
    public static int Dim(double width) => (int)Math.Round(PaperDim * width);

    /// <summary>As cell ids write it: 0.25, 0.5, 2 (the shortest exact form, culture-invariant).</summary>
    public static string Format(double width) => width.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Why this width cannot build the variant's pair at this size, or null when it can.</summary>
    public static string? Check(Figure2Variant variant, int size, double width)
    {
        var d = Dim(width);
        if (!double.IsFinite(width) || width <= 0) return $"width must be positive, got {Format(width)}";
        if (d != PaperDim * width || d < 1)
            return $"width {Format(width)} gives DIM = 64 x {Format(width)}, not a whole number of channels (use a multiple of 1/64)";
        if (variant == Figure2Variant.ResNet101 && 32 * d % (2 * size) != 0)
            return $"width {Format(width)}: the ResNet-101 pair needs DIM a multiple of {2 * size / 32} at size {size} (every stage width 32·DIM/r even), got DIM = {d}";
        return null;
    }
}
