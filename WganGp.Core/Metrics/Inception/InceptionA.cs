using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// Inception block A (Mixed_5b/5c/5d, 35×35): 1×1 → 64 | 1×1 → 48, 5×5 → 64 | 1×1 → 64, 3×3 → 96, 3×3 → 96 |
/// pool → 1×1 → <paramref name="poolFeatures"/>, concatenated in that order: 224 + poolFeatures channels.
/// The FID network's blocks average without counting padding (<see cref="InceptionPool.AverageExcludingPadding"/>).
/// </summary>
public sealed class InceptionA : nn.Module<Tensor, Tensor>
{
    readonly BasicConv2d branch1x1;
    readonly BasicConv2d branch5x5_1;
    readonly BasicConv2d branch5x5_2;
    readonly BasicConv2d branch3x3dbl_1;
    readonly BasicConv2d branch3x3dbl_2;
    readonly BasicConv2d branch3x3dbl_3;
    readonly BasicConv2d branch_pool;
    readonly InceptionPool pool;

    public InceptionA(long input, long poolFeatures, InceptionPool pool = InceptionPool.Average) : base(nameof(InceptionA))
    {
        this.pool = pool;
        branch1x1 = new BasicConv2d(input, 64, 1);
        branch5x5_1 = new BasicConv2d(input, 48, 1);
        branch5x5_2 = new BasicConv2d(48, 64, 5, padding: 2);
        branch3x3dbl_1 = new BasicConv2d(input, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, padding: 1);
        branch_pool = new BasicConv2d(input, poolFeatures, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.call(x);
        var b5 = branch5x5_2.call(branch5x5_1.call(x));
        var b3 = branch3x3dbl_3.call(branch3x3dbl_2.call(branch3x3dbl_1.call(x)));
        var bp = branch_pool.call(InceptionPools.Apply(pool, x));
        return cat([b1, b5, b3, bp], 1).MoveToOuterDisposeScope();
    }
}
