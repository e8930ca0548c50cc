namespace WganGp.Core.Data.Images;

/// <summary>
/// What a decoded image becomes: the shorter side scaled to <see cref="Size"/>, then the centre Size × Size square,
/// with <see cref="Channels"/> 3 (RGB) or 1 (gray, ITU-R 601 luma as PIL's convert('L')). An image whose shorter
/// side is below Size is skipped unless <see cref="AllowUpscale"/>: silently blurred training images would bias a run.
/// </summary>
public sealed record ImageOptions(int Size = 64, int Channels = 3, bool AllowUpscale = false)
{
    public int PixelsPerImage => Channels * Size * Size;

    public void Validate()
    {
        if (Size < 1) throw new ArgumentOutOfRangeException(nameof(Size), Size, "image size must be at least 1");
        if (Channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "channels must be 1 (gray) or 3 (RGB)");
    }

    public override string ToString() => $"{Size}x{Size}x{Channels}{(AllowUpscale ? " upscale" : "")}";
}
