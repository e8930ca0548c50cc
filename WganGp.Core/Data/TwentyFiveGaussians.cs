using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>A 5×5 grid of Gaussians at (2x, 2y), x, y ∈ {−2..2}, σ = 0.05: a fixed set of 100,000 points (4,000 per
/// centre), shuffled once, divided by 2.828, iterated in consecutive batches without reshuffling (partial tail skipped).</summary>
public sealed class TwentyFiveGaussians : ToyDataset
{
    const int PerCentre = 4000;
    const double Std = 0.05, Divisor = 2.828;
    readonly Tensor points;
    int position;

    protected override long Cursor { get => position; set => position = checked((int)value); }

    public TwentyFiveGaussians(long seed) : base(seed)
    {
        var grid = new float[25 * 2];
        for (int x = -2, k = 0; x <= 2; x++)
            for (int y = -2; y <= 2; y++, k++) { grid[2 * k] = 2 * x; grid[2 * k + 1] = 2 * y; }
        using var raw = tensor(grid).reshape(25, 2);
        Centres = ToArray(raw / Divisor);
        using var all = raw.repeat(PerCentre, 1) + Std * randn(new long[] { 25 * PerCentre, 2 }, generator: Rng);
        using var order = randperm(all.shape[0], generator: Rng);
        points = (all.index_select(0, order) / Divisor).detach();
    }

    public override string Name => "25gaussians";
    public override float[,] Centres { get; }
    public override double Sigma => Std / Divisor;

    public override Tensor NextBatch(int batchSize)
    {
        if (batchSize > points.shape[0]) throw new ArgumentException($"batch size {batchSize} exceeds the 25gaussians set of {points.shape[0]} points");
        if (position + batchSize > points.shape[0]) position = 0;
        var batch = points.narrow(0, position, batchSize).clone();
        position += batchSize;
        return batch;
    }
}
