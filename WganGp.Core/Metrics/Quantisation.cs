using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>
/// Images in a network's range back to 8-bit pixels, as if saved to PNG (spec §2: evaluate quantised images), so
/// generated and real images reach a feature extractor alike.
/// </summary>
public static class Quantisation
{
    /// <summary>uint8 pixels of <paramref name="images"/> given in <paramref name="scaling"/>'s range, by
    /// <paramref name="rounding"/>. <see cref="PixelRounding.Nearest"/>: ZeroOne → x·255, MinusOneOne → (x + 1)/2·255,
    /// each rounded half up (StudioGAN's +0.5 then truncate); MinusOneOneDequantized → ⌊(x + 1)·128⌋, the level whose
    /// dequantisation interval holds x. The truncating rules are the paper's scripts' (<see cref="PixelRounding"/>),
    /// computed in float32 as numpy does. Every result is clamped to 0..255; non-finite values are refused.</summary>
    public static Tensor ToBytes(Tensor images, PixelScaling scaling, PixelRounding rounding = PixelRounding.Nearest)
    {
        using var scope = NewDisposeScope();
        var x = images.to(float32);
        if (!x.isfinite().all().item<bool>())
            throw new ArgumentException("images contain NaN or infinite values; they cannot be quantised to pixels", nameof(images));
        var levels = rounding switch
        {
            PixelRounding.Nearest => scaling switch
            {
                PixelScaling.ZeroOne => (x * 255f + 0.5f).floor(),
                PixelScaling.MinusOneOne => ((x + 1f) * 127.5f + 0.5f).floor(),
                PixelScaling.MinusOneOneDequantized => ((x + 1f) * 128f).floor(),
                _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "unknown pixel scaling"),
            },
            PixelRounding.Truncate255 => Truncate(x, scaling, 255.0),
            PixelRounding.Truncate25599 => Truncate(x, scaling, 255.99),
            _ => throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown pixel rounding"),
        };
        return levels.clamp(0f, 255f).to(uint8).MoveToOuterDisposeScope();
    }

    /// <summary>What <see cref="ToBytes"/> does under <paramref name="rounding"/>, for protocols.</summary>
    public static string Describe(PixelRounding rounding) => rounding switch
    {
        PixelRounding.Nearest => "uint8",
        PixelRounding.Truncate255 => "uint8, truncated: int((x + 1) * 255/2) (gan_cifar.py)",
        PixelRounding.Truncate25599 => "uint8, truncated: int((x + 1) * 255.99/2) (gan_cifar_resnet.py)",
        _ => throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown pixel rounding"),
    };

    /// <summary>⌊(x + 1)·(m/2)⌋ for [−1, 1] data, ⌊x·m⌋ for [0, 1] data; the factor is a float32 as numpy casts the
    /// Python scalar, and x ≥ −1 (tanh), so int32 truncation is the floor.</summary>
    static Tensor Truncate(Tensor x, PixelScaling scaling, double m) => scaling switch
    {
        PixelScaling.ZeroOne => (x * (float)m).floor(),
        PixelScaling.MinusOneOne or PixelScaling.MinusOneOneDequantized => ((x + 1f) * (float)(m / 2)).floor(),
        _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "unknown pixel scaling"),
    };
}
