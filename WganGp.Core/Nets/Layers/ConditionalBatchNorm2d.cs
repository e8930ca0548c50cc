using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// tflib's cond_batchnorm (Dumoulin et al. 2016), used in gan_cifar_resnet.py's conditional generator: batch norm over
/// (N, H, W) with batch statistics always (biased variance, ε = 1e-5, no moving averages), then a scale and an offset
/// chosen per sample by its class: weight and bias are [classes, C], starting at 1 and 0.
/// </summary>
public sealed class ConditionalBatchNorm2d : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter bias;
    readonly double eps;

    public ConditionalBatchNorm2d(long channels, int classes, double eps = 1e-5) : base("conditional-batch-norm")
    {
        if (classes < 1) throw new ArgumentException($"classes must be at least 1, got {classes}");
        this.eps = eps;
        weight = nn.Parameter(ones(classes, channels));
        bias = nn.Parameter(zeros(classes, channels));
        RegisterComponents();
    }

    public long Classes => weight.shape[0];

    /// <param name="x">[B, C, H, W]</param>
    /// <param name="labels">[B] class indices (int64) in [0, classes).</param>
    public override Tensor forward(Tensor x, Tensor labels)
    {
        var (n, c) = (x.shape[0], x.shape[1]);
        if (labels.dim() != 1 || labels.shape[0] != n)
            throw new ArgumentException($"labels must be [{n}] (one per sample), got [{string.Join(", ", labels.shape)}]");
        if (labels.dtype != ScalarType.Int64) throw new ArgumentException($"labels must be int64 class indices, got {labels.dtype}");
        using var scope = NewDisposeScope();
        var (variance, mean) = var_mean(x, [0L, 2L, 3L], unbiased: false, keepdim: true);
        var normalized = (x - mean) * rsqrt(variance + eps);
        var scale = weight.index_select(0, labels).view(n, c, 1, 1);
        var offset = bias.index_select(0, labels).view(n, c, 1, 1);
        return (normalized * scale + offset).MoveToOuterDisposeScope();
    }
}
