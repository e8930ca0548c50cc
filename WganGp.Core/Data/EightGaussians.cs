using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>Eight Gaussians on a circle of radius 2, σ = 0.02, a fresh batch every call, divided by 1.414.</summary>
public sealed class EightGaussians : ToyDataset
{
    const double Scale = 2.0, Std = 0.02, Divisor = 1.414;
    readonly Tensor centres;

    public EightGaussians(long seed) : base(seed)
    {
        double s = 1 / Math.Sqrt(2);
        var unit = new float[] { 1, 0, -1, 0, 0, 1, 0, -1, (float)s, (float)s, (float)s, (float)-s, (float)-s, (float)s, (float)-s, (float)-s };
        centres = tensor(unit).reshape(8, 2) * (float)Scale;
        Centres = ToArray(centres / Divisor);
    }

    public override string Name => "8gaussians";
    public override float[,] Centres { get; }
    public override double Sigma => Std / Divisor;

    public override Tensor NextBatch(int batchSize)
    {
        using var scope = NewDisposeScope();
        var idx = randint(0, 8, new long[] { batchSize }, generator: Rng);
        var points = centres.index_select(0, idx) + Std * randn(new long[] { batchSize, 2 }, generator: Rng);
        return (points / Divisor).MoveToOuterDisposeScope();
    }
}
