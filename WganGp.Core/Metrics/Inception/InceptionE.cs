using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// Inception block E (Mixed_7b/7c, 8×8): 1×1 → 320 | 1×1 → 384, then [1×3, 3×1] → 2·384 | 1×1 → 448, 3×3 → 384,
/// then [1×3, 3×1] → 2·384 | pool → 1×1 → 192; 2048 channels out. The FID network's Mixed_7b (E_1) averages
/// without counting padding, its Mixed_7c (E_2) max-pools.
/// </summary>
public sealed class InceptionE : nn.Module<Tensor, Tensor>
{
    readonly BasicConv2d branch1x1;
    readonly BasicConv2d branch3x3_1;
    readonly BasicConv2d branch3x3_2a;
    readonly BasicConv2d branch3x3_2b;
    readonly BasicConv2d branch3x3dbl_1;
    readonly BasicConv2d branch3x3dbl_2;
    readonly BasicConv2d branch3x3dbl_3a;
    readonly BasicConv2d branch3x3dbl_3b;
    readonly BasicConv2d branch_pool;
    readonly InceptionPool pool;

    public InceptionE(long input, InceptionPool pool = InceptionPool.Average) : base(nameof(InceptionE))
    {
        this.pool = pool;
        branch1x1 = new BasicConv2d(input, 320, 1);
        branch3x3_1 = new BasicConv2d(input, 384, 1);
        branch3x3_2a = new BasicConv2d(384, 384, (1, 3), (1, 1), (0, 1));
        branch3x3_2b = new BasicConv2d(384, 384, (3, 1), (1, 1), (1, 0));
        branch3x3dbl_1 = new BasicConv2d(input, 448, 1);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1);
        branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), (1, 1), (0, 1));
        branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), (1, 1), (1, 0));
        branch_pool = new BasicConv2d(input, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.call(x);
        var b3 = branch3x3_1.call(x);
        var b3Both = cat([branch3x3_2a.call(b3), branch3x3_2b.call(b3)], 1);
        var bd = branch3x3dbl_2.call(branch3x3dbl_1.call(x));
        var bdBoth = cat([branch3x3dbl_3a.call(bd), branch3x3dbl_3b.call(bd)], 1);
        var bp = branch_pool.call(InceptionPools.Apply(pool, x));
        return cat([b1, b3Both, bdBoth, bp], 1).MoveToOuterDisposeScope();
    }
}
