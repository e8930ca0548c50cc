using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// TensorFlow's <c>depth_to_space</c> on NCHW tensors, as the authors' code applies it (transpose to NHWC, depth_to_space,
/// transpose back): [B, r·r·C, H, W] → [B, C, r·H, r·W] with out[c, r·h + i, r·w + j] = in[(i·r + j)·C + c, h, w].
/// The block offset is the slow part of the channel index. PyTorch's <c>pixel_shuffle</c> reads in[c·r·r + i·r + j]
/// (channel slow) instead: same shape, channels permuted, so weights ported from the TF code would land on other pixels.
/// </summary>
public static class DepthToSpace
{
    public static Tensor Apply(Tensor x, int block)
    {
        var (n, depth, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        if (block < 1 || depth % (block * block) != 0)
            throw new ArgumentException($"depth_to_space: {depth} channels are not a multiple of {block}²");
        var channels = depth / (block * block);
        return x.view(n, block, block, channels, h, w)
            .permute(0, 3, 4, 1, 5, 2)   // [B, C, H, i, W, j]
            .reshape(n, channels, h * block, w * block);
    }
}
