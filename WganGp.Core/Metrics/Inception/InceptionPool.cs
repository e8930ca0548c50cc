using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>The 3×3, stride 1, padding 1 pool in front of an Inception block's <c>branch_pool</c> convolution.</summary>
public enum InceptionPool
{
    /// <summary>torchvision: average pool counting the zero padding (PyTorch's count_include_pad=True).</summary>
    Average,

    /// <summary>The TF network (FID blocks A, C, E_1): average over the valid inputs only (count_include_pad=False).</summary>
    AverageExcludingPadding,

    /// <summary>The TF network's last block (FID E_2, Mixed_7c): max pool.</summary>
    Max,
}

/// <summary>Applies an <see cref="InceptionPool"/>.</summary>
public static class InceptionPools
{
    public static Tensor Apply(InceptionPool pool, Tensor x) => pool switch
    {
        InceptionPool.Average => nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: true),
        InceptionPool.AverageExcludingPadding => nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false),
        InceptionPool.Max => nn.functional.max_pool2d(x, [3L, 3L], [1L, 1L], [1L, 1L]),
        _ => throw new ArgumentOutOfRangeException(nameof(pool), pool, "unknown Inception pool"),
    };
}
