using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>How 8-bit pixels become network inputs, as the paper's scripts do per data set.</summary>
public enum PixelScaling
{
    /// <summary>x / 255 ∈ [0, 1]: gan_mnist.py (its generator ends in a sigmoid).</summary>
    ZeroOne,

    /// <summary>2·(x / 255 − 0.5) ∈ [−1, 1]: the image scripts (their generators end in tanh).</summary>
    MinusOneOne,

    /// <summary>2·(x / 256 − 0.5) + U[0, 1/128): gan_cifar_resnet.py's dequantised inputs, uniform within each level.</summary>
    MinusOneOneDequantized,
}

public static class Pixels
{
    /// <summary>8-bit pixels as float32 network inputs; <paramref name="noise"/> drives the dequantisation (only
    /// <see cref="PixelScaling.MinusOneOneDequantized"/> uses it, and requires it).</summary>
    public static Tensor Scale(Tensor bytes, PixelScaling scaling, Generator? noise = null)
    {
        using var scope = NewDisposeScope();
        var x = bytes.to(float32);
        var scaled = scaling switch
        {
            PixelScaling.ZeroOne => x / 255f,
            PixelScaling.MinusOneOne => 2f * (x / 255f - 0.5f),
            PixelScaling.MinusOneOneDequantized =>
                2f * (x / 256f - 0.5f) + rand(x.shape, generator: noise ?? throw new ArgumentNullException(nameof(noise), "dequantisation needs a seeded generator")) / 128f,
            _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, null),
        };
        return scaled.MoveToOuterDisposeScope();
    }

    /// <summary>A generator for one batch's dequantisation noise, determined by the sampler's seed and the batch's
    /// position, so a resumed run draws the same noise.</summary>
    public static Generator NoiseFor(long seed, SamplerPosition position) =>
        new((ulong)seed * 6_364_136_223_846_793_005UL + (ulong)position.Epoch * 1_442_695_040_888_963_407UL + (ulong)position.Offset);
}
