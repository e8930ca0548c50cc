using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// A convolution with TensorFlow's 'SAME' padding, as tflib's Conv2D: the output is ⌈in / stride⌉ and the padding is
/// split with the extra pixel at the bottom/right (a 5×5 stride-2 conv pads 1 before and 2 after). PyTorch's symmetric
/// padding=2 gives the same size but a one-pixel shift.
/// </summary>
public sealed class SameConv2d : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly int kernel, stride;

    public SameConv2d(long input, long output, int kernel, int stride = 1, bool bias = true, string name = "same-conv") : base(name)
    {
        this.kernel = kernel;
        this.stride = stride;
        conv = nn.Conv2d(input, output, kernel, stride: stride, padding: 0L, bias: bias);
        RegisterComponents();
    }

    public Conv2d Conv => conv;

    public override Tensor forward(Tensor x)
    {
        var (top, bottom) = Padding(x.shape[2]);
        var (left, right) = Padding(x.shape[3]);
        if (top == 0 && bottom == 0 && left == 0 && right == 0) return conv.Routed(x);
        using var padded = nn.functional.pad(x, [left, right, top, bottom]);
        return conv.Routed(padded);
    }

    (long Before, long After) Padding(long size)
    {
        var output = (size + stride - 1) / stride;
        var total = Math.Max((output - 1) * stride + kernel - size, 0);
        return (total / 2, total - total / 2);
    }
}
