using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// torchvision's BasicConv2d: a convolution without bias → BatchNorm2d (eps 0.001, as the TF network) → ReLU.
/// Field names are the PyTorch state_dict keys (<c>conv.weight</c>, <c>bn.{weight,bias,running_mean,running_var,
/// num_batches_tracked}</c>).
/// </summary>
public sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly BatchNorm2d bn;

    /// <summary>A square kernel with equal stride and padding on both axes.</summary>
    public BasicConv2d(long input, long output, long kernel, long stride = 1, long padding = 0)
        : this(input, output, (kernel, kernel), (stride, stride), (padding, padding))
    {
    }

    /// <summary>A (height, width) kernel, as the factorised 1×7 / 7×1 and 1×3 / 3×1 convolutions.</summary>
    public BasicConv2d(long input, long output, (long H, long W) kernel, (long H, long W) stride, (long H, long W) padding)
        : base(nameof(BasicConv2d))
    {
        conv = nn.Conv2d(input, output, kernel, stride: stride, padding: padding, bias: false);
        bn = nn.BatchNorm2d(output, eps: 0.001);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return bn.call(conv.call(x)).relu_().MoveToOuterDisposeScope();
    }
}
