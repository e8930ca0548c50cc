namespace WganGp.Core.Metrics;

/// <summary>How generated images become 8-bit pixels before a feature network. The paper's scripts differ: each
/// preset scores as its own script quantises (spec/paper.md §8, spec/metrics.md §1).</summary>
public enum PixelRounding
{
    /// <summary>To the nearest level, half up, clamped (StudioGAN's clamp(x·255 + 0.5)); dequantised [−1, 1] data:
    /// ⌊(x + 1)·128⌋, the level whose dequantisation interval holds x. This project's default.</summary>
    Nearest,

    /// <summary>gan_cifar.py: <c>((x + 1)·(255/2)).astype('int32')</c>, truncation in float32 ([0, 1] data: ⌊x·255⌋).</summary>
    Truncate255,

    /// <summary>gan_cifar_resnet.py: <c>((x + 1)·(255.99/2)).astype('int32')</c>, truncation in float32 ([0, 1] data:
    /// ⌊x·255.99⌋).</summary>
    Truncate25599,
}
