using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// Inception block C (Mixed_6b–6e, 17×17) with factorised 7×7 convolutions of width <paramref name="channels7x7"/>:
/// 1×1 → 192 | 1×1, 1×7, 7×1 → 192 | 1×1, 7×1, 1×7, 7×1, 1×7 → 192 | pool → 1×1 → 192; 768 channels out.
/// The FID network's blocks average without counting padding (<see cref="InceptionPool.AverageExcludingPadding"/>).
/// </summary>
public sealed class InceptionC : nn.Module<Tensor, Tensor>
{
    readonly BasicConv2d branch1x1;
    readonly BasicConv2d branch7x7_1;
    readonly BasicConv2d branch7x7_2;
    readonly BasicConv2d branch7x7_3;
    readonly BasicConv2d branch7x7dbl_1;
    readonly BasicConv2d branch7x7dbl_2;
    readonly BasicConv2d branch7x7dbl_3;
    readonly BasicConv2d branch7x7dbl_4;
    readonly BasicConv2d branch7x7dbl_5;
    readonly BasicConv2d branch_pool;
    readonly InceptionPool pool;

    public InceptionC(long input, long channels7x7, InceptionPool pool = InceptionPool.Average) : base(nameof(InceptionC))
    {
        this.pool = pool;
        var c7 = channels7x7;
        branch1x1 = new BasicConv2d(input, 192, 1);
        branch7x7_1 = new BasicConv2d(input, c7, 1);
        branch7x7_2 = Row(c7, c7);
        branch7x7_3 = Column(c7, 192);
        branch7x7dbl_1 = new BasicConv2d(input, c7, 1);
        branch7x7dbl_2 = Column(c7, c7);
        branch7x7dbl_3 = Row(c7, c7);
        branch7x7dbl_4 = Column(c7, c7);
        branch7x7dbl_5 = Row(c7, 192);
        branch_pool = new BasicConv2d(input, 192, 1);
        RegisterComponents();
    }

    /// <summary>A 1×7 convolution, padding (0, 3).</summary>
    static BasicConv2d Row(long input, long output) => new(input, output, (1, 7), (1, 1), (0, 3));

    /// <summary>A 7×1 convolution, padding (3, 0).</summary>
    static BasicConv2d Column(long input, long output) => new(input, output, (7, 1), (1, 1), (3, 0));

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.call(x);
        var b7 = branch7x7_3.call(branch7x7_2.call(branch7x7_1.call(x)));
        var bd = branch7x7dbl_5.call(branch7x7dbl_4.call(branch7x7dbl_3.call(branch7x7dbl_2.call(branch7x7dbl_1.call(x)))));
        var bp = branch_pool.call(InceptionPools.Apply(pool, x));
        return cat([b1, b7, bd, bp], 1).MoveToOuterDisposeScope();
    }
}
