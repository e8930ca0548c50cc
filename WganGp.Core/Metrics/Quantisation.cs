using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>
/// Images in a network's range back to 8-bit pixels, as if saved to PNG (spec §2: evaluate quantised images), so
/// generated and real images reach a feature extractor alike.
/// </summary>
public static class Quantisation
{
    /// <summary>uint8 pixels of <paramref name="images"/> given in <paramref name="scaling"/>'s range:
    /// ZeroOne → x·255, MinusOneOne → (x + 1)/2·255, each rounded half up (StudioGAN's +0.5 then truncate) and clamped
    /// to 0..255; MinusOneOneDequantized → ⌊(x + 1)·128⌋ clamped, the level whose dequantisation interval holds x.
    /// Non-finite values are refused.</summary>
    public static Tensor ToBytes(Tensor images, PixelScaling scaling)
    {
        using var scope = NewDisposeScope();
        var x = images.to(float32);
        if (!x.isfinite().all().item<bool>())
            throw new ArgumentException("images contain NaN or infinite values; they cannot be quantised to pixels", nameof(images));
        var levels = scaling switch
        {
            PixelScaling.ZeroOne => (x * 255f + 0.5f).floor(),
            PixelScaling.MinusOneOne => ((x + 1f) * 127.5f + 0.5f).floor(),
            PixelScaling.MinusOneOneDequantized => ((x + 1f) * 128f).floor(),
            _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "unknown pixel scaling"),
        };
        return levels.clamp(0f, 255f).to(uint8).MoveToOuterDisposeScope();
    }
}
