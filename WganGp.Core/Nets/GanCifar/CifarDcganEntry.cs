using System.Globalization;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_cifar.py's DCGAN-style pair (Figure 3) for 32 × 32 images with <paramref name="Channels"/> channels at
/// <paramref name="Width"/> times the code's DIM (128): (3, 1) is the paper's; (1, 0.5) the same pair for 32 × 32
/// grayscale at DIM 64.
/// </summary>
public sealed record CifarDcganEntry(int Channels = 3, double Width = 1.0) : ArchitectureEntry
{
    /// <summary>gan_cifar.py's DIM.</summary>
    public const int PaperDim = 128;

    /// <summary>DIM at this width (128·width, rounded; <see cref="Problems"/> says whether that is exact).</summary>
    public int Dim => (int)Math.Round(PaperDim * Width);

    public override long[] InputShape => [Channels, 32, 32];
    public override DataKind Data => DataKind.Images;

    /// <summary>gan_cifar.py: no normaliser in the critic in mode wgan-gp, batch norm otherwise.</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs) =>
        new(needs.ToleratesBatchNorm ? Normalization.Batch : Normalization.None);

    public override NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape) =>
        new(() => new CifarDcganGenerator(dim: Dim, init: init, channels: Channels),
            () => new CifarDcganCritic(Dim, norms.Critic, init, Channels));

    public override IEnumerable<string> Problems()
    {
        var width = Width.ToString("R", CultureInfo.InvariantCulture);
        if (Channels is not (1 or 3)) yield return $"channels must be 1 or 3, got {Channels}";
        if (!double.IsFinite(Width) || Width <= 0) yield return $"width must be positive, got {width}";
        else if (Dim != PaperDim * Width || Dim < 1)
            yield return $"width {width} gives DIM = 128 x {width}, not a whole number of channels (use a multiple of 1/128)";
    }
}
