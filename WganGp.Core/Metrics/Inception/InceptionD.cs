using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// Inception block D (Mixed_7a, 17×17 → 8×8): 1×1 → 192, 3×3/s2 → 320 | 1×1 → 192, 1×7, 7×1, 3×3/s2 → 192 |
/// max pool 3/s2, concatenated: 320 + 192 + input channels. The same in both flavours.
/// </summary>
public sealed class InceptionD : nn.Module<Tensor, Tensor>
{
    readonly BasicConv2d branch3x3_1;
    readonly BasicConv2d branch3x3_2;
    readonly BasicConv2d branch7x7x3_1;
    readonly BasicConv2d branch7x7x3_2;
    readonly BasicConv2d branch7x7x3_3;
    readonly BasicConv2d branch7x7x3_4;

    public InceptionD(long input) : base(nameof(InceptionD))
    {
        branch3x3_1 = new BasicConv2d(input, 192, 1);
        branch3x3_2 = new BasicConv2d(192, 320, 3, stride: 2);
        branch7x7x3_1 = new BasicConv2d(input, 192, 1);
        branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), (1, 1), (0, 3));
        branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), (1, 1), (3, 0));
        branch7x7x3_4 = new BasicConv2d(192, 192, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3_2.call(branch3x3_1.call(x));
        var b7 = branch7x7x3_4.call(branch7x7x3_3.call(branch7x7x3_2.call(branch7x7x3_1.call(x))));
        var bp = nn.functional.max_pool2d(x, [3L, 3L], [2L, 2L]);
        return cat([b3, b7, bp], 1).MoveToOuterDisposeScope();
    }
}
