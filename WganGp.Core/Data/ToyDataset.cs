using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>The three 2-D toy distributions of gan_toy.py (spec §2), already normalised as the code does.</summary>
public enum ToyKind { EightGaussians, TwentyFiveGaussians, SwissRoll }

/// <summary>A seeded toy distribution. Mixtures expose their (normalised) centres and per-coordinate noise σ so scores can
/// be computed without the critic.</summary>
public abstract class ToyDataset : IBatchSource, IDisposable
{
    protected readonly Generator Rng;

    protected ToyDataset(long seed) => Rng = new Generator((ulong)seed);

    public abstract string Name { get; }

    /// <summary>Mixture centres after normalisation, [K, 2]; empty for the swiss roll.</summary>
    public abstract float[,] Centres { get; }

    /// <summary>Standard deviation of each mixture component after normalisation (0 for the swiss roll).</summary>
    public abstract double Sigma { get; }

    public abstract Tensor NextBatch(int batchSize);

    public void Dispose() => Rng.Dispose();

    public static string NameOf(ToyKind kind) => kind switch
    {
        ToyKind.EightGaussians => "8gaussians",
        ToyKind.TwentyFiveGaussians => "25gaussians",
        ToyKind.SwissRoll => "swissroll",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown toy dataset"),
    };

    public static ToyDataset Create(ToyKind kind, long seed) => kind switch
    {
        ToyKind.EightGaussians => new EightGaussians(seed),
        ToyKind.TwentyFiveGaussians => new TwentyFiveGaussians(seed),
        ToyKind.SwissRoll => new SwissRoll(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown toy dataset"),
    };

    protected static float[,] ToArray(Tensor t)
    {
        var v = t.data<float>().ToArray();
        var a = new float[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(v, 0, a, 0, v.Length * sizeof(float));
        return a;
    }
}

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

/// <summary>A 5×5 grid of Gaussians at (2x, 2y), x, y ∈ {−2..2}, σ = 0.05: a fixed set of 100,000 points (4,000 per
/// centre), shuffled once, divided by 2.828, iterated in consecutive batches without reshuffling (partial tail skipped).</summary>
public sealed class TwentyFiveGaussians : ToyDataset
{
    const int PerCentre = 4000;
    const double Std = 0.05, Divisor = 2.828;
    readonly Tensor points;
    int position;

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

/// <summary>sklearn's make_swiss_roll(noise = 0.25): t = 1.5π(1 + 2u), (t cos t, 21v, t sin t) plus N(0, 0.25²) on every
/// coordinate; coordinates 0 and 2 are kept and divided by 7.5. A fresh batch every call.</summary>
public sealed class SwissRoll : ToyDataset
{
    const double Noise = 0.25, Divisor = 7.5;

    public SwissRoll(long seed) : base(seed) { }

    public override string Name => "swissroll";
    public override float[,] Centres { get; } = new float[0, 2];
    public override double Sigma => 0;

    public override Tensor NextBatch(int batchSize)
    {
        using var scope = NewDisposeScope();
        var t = 1.5 * Math.PI * (1 + 2 * rand(new long[] { batchSize }, generator: Rng));
        var roll = stack(new[] { t * cos(t), t * sin(t) }, 1);
        var noisy = roll + Noise * randn(new long[] { batchSize, 2 }, generator: Rng);
        return (noisy / Divisor).to(float32).MoveToOuterDisposeScope();
    }
}
