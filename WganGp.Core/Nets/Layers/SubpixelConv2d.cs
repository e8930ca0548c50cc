using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's SubpixelConv2D, the shortcut of an upsampling bottleneck block: a stride-1 'SAME' conv to 4·output
/// channels, then <see cref="DepthToSpace"/> with block 2 (TensorFlow's channel order), doubling H and W.
/// </summary>
public sealed class SubpixelConv2d : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;

    public SubpixelConv2d(long input, long output, int kernel = 1, string name = "subpixel-conv") : base(name)
    {
        if (kernel % 2 == 0) throw new ArgumentException($"kernel must be odd (symmetric 'SAME' padding), got {kernel}");
        conv = nn.Conv2d(input, 4 * output, kernel, padding: kernel / 2);
        RegisterComponents();
    }

    public Conv2d Conv => conv;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return DepthToSpace.Apply(conv.Routed(x), 2).MoveToOuterDisposeScope();
    }
}
