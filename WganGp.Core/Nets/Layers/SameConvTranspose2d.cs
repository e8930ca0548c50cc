using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// tflib's Deconv2D: a transposed convolution with TensorFlow's 'SAME' padding that exactly doubles H and W (stride 2).
/// It is the adjoint of <see cref="SameConv2d"/>: the full transposed output (2H + k − 2) is cropped by the forward
/// conv's padding, 1 before and 2 after for k = 5. (ConvTranspose2d(padding 2, output_padding 1) crops 2 and 1: same
/// size, shifted one pixel.)
/// </summary>
public sealed class SameConvTranspose2d : nn.Module<Tensor, Tensor>
{
    readonly ConvTranspose2d deconv;
    readonly long before;

    public SameConvTranspose2d(long input, long output, int kernel, bool bias = true, string name = "same-deconv") : base(name)
    {
        if (kernel < 2) throw new ArgumentException($"kernel must be at least 2 for a stride-2 'SAME' transposed conv, got {kernel}");
        deconv = nn.ConvTranspose2d(input, output, kernel, stride: 2, padding: 0, bias: bias);
        before = (kernel - 2) / 2;
        RegisterComponents();
    }

    public ConvTranspose2d Deconv => deconv;

    public override Tensor forward(Tensor x)
    {
        var (h, w) = (x.shape[2] * 2, x.shape[3] * 2);
        using var full = deconv.Routed(x);
        return full.narrow(2, before, h).narrow(3, before, w);
    }
}
