using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>What a residual block does to the resolution: keep it, halve it (critic) or double it (generator).</summary>
public enum Resample
{
    None,
    Down,
    Up,
}

/// <summary>gan_cifar_resnet.py's 2× resampling of NCHW feature maps.</summary>
public static class Resampling
{
    /// <summary>Nearest-neighbour 2× upsampling: every pixel becomes a 2×2 block (the code's concat of four copies
    /// followed by depth_to_space).</summary>
    public static Tensor NearestUp2x(Tensor x)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        return x.view(n, c, h, 1, w, 1).expand(n, c, h, 2, w, 2).reshape(n, c, h * 2, w * 2);
    }

    /// <summary>Mean of each non-overlapping 2×2 block (the code's average of the four strided slices).</summary>
    public static Tensor MeanPool2x(Tensor x)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        if (h % 2 != 0 || w % 2 != 0) throw new ArgumentException($"mean-pool needs an even size, got {h}×{w}");
        return x.view(n, c, h / 2, 2, w / 2, 2).mean([3L, 5L]);
    }
}
