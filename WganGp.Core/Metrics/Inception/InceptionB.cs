using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// Inception block B (Mixed_6a, 35×35 → 17×17): 3×3/s2 → 384 | 1×1 → 64, 3×3 → 96, 3×3/s2 → 96 | max pool 3/s2,
/// concatenated: 384 + 96 + input channels. The same in both flavours.
/// </summary>
public sealed class InceptionB : nn.Module<Tensor, Tensor>
{
    readonly BasicConv2d branch3x3;
    readonly BasicConv2d branch3x3dbl_1;
    readonly BasicConv2d branch3x3dbl_2;
    readonly BasicConv2d branch3x3dbl_3;

    public InceptionB(long input) : base(nameof(InceptionB))
    {
        branch3x3 = new BasicConv2d(input, 384, 3, stride: 2);
        branch3x3dbl_1 = new BasicConv2d(input, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3.call(x);
        var bd = branch3x3dbl_3.call(branch3x3dbl_2.call(branch3x3dbl_1.call(x)));
        var bp = nn.functional.max_pool2d(x, [3L, 3L], [2L, 2L]);
        return cat([b3, bd, bp], 1).MoveToOuterDisposeScope();
    }
}
