using WganGp.Core.Data;
using WganGp.Core.Registry;
using System.Globalization;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_cifar.py's DCGAN-style pair (Figure 3) for 32 × 32 images with <paramref name="channels"/> channels at
/// <paramref name="width"/> times the code's DIM (128): (3, 1) is the paper's; (1, 0.5) the same pair for 32 × 32
/// grayscale at DIM 64. Runs recorded before the pair had channels and width were the paper's (the defaults).
/// </summary>
[Kind("cifar-dcgan")]
public sealed class CifarDcganEntry(int channels = 3, double width = 1.0) : ArchitectureEntry
{
    /// <summary>gan_cifar.py's DIM.</summary>
    public const int PaperDim = 128;

    public int Channels { get; } = channels;
    public double Width { get; } = width;

    /// <summary>DIM at this width (128·width, rounded; <see cref="Problems"/> says whether that is exact).</summary>
    public int Dim => (int)Math.Round(PaperDim * Width);

    /// <summary>The paper's pair keeps its name (its cells' ids stay as they were); others say channels and width as
    /// Figure 2's rows do.</summary>
    public override string Name => (Channels, Width) switch
    {
        (3, 1.0) => "cifar-dcgan",
        (_, 1.0) => $"cifar-dcgan-32c{Channels}",
        _ => $"cifar-dcgan-32c{Channels}-w{Figure2Width.Format(Width)}",
    };

    public override long[] InputShape => [Channels, 32, 32];
    public override DataKind Data => DataKind.Images;

    /// <summary>gan_cifar.py: no normaliser in the critic in mode wgan-gp, batch norm otherwise.</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs) =>
        new(needs.ToleratesBatchNorm ? Normaliser.Batch : Normaliser.None);

    public override NetworkFactories Networks(NetworkSpec spec) =>
        new(() => new CifarDcganGenerator(spec.LatentDim, Dim, spec.Init, Channels),
            () => new CifarDcganCritic(Dim, spec.Normalisers.Critic, spec.Init, Channels));

    public override ArchitectureEntry WithWidth(double width) => new CifarDcganEntry(Channels, width);

    public override IEnumerable<string> Problems()
    {
        var width = Width.ToString("R", CultureInfo.InvariantCulture);
        if (Channels is not (1 or 3)) yield return $"channels must be 1 or 3, got {Channels}";
        if (!double.IsFinite(Width) || Width <= 0) yield return $"width must be positive, got {width}";
        else if (Dim != PaperDim * Width || Dim < 1)
            yield return $"width {width} gives DIM = 128 x {width}, not a whole number of channels (use a multiple of 1/128)";
    }
}
