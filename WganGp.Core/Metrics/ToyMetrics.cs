using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>Critic-free scores of 2-D samples against a toy distribution.</summary>
public static class ToyMetrics
{
    /// <summary>Energy distance D² = 2·E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ (unbiased within-set terms, so it can be slightly
    /// negative for identical distributions). Zero iff the distributions are equal; compare with the real-vs-real value.</summary>
    public static double EnergyDistance(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var xd = x.to(float64); var yd = y.to(float64);
        double Within(Tensor a)
        {
            long n = a.shape[0];
            return cdist(a, a).sum().item<double>() / (n * (n - 1.0));   // the diagonal is zero
        }
        var between = cdist(xd, yd).mean().item<double>();
        return 2 * between - Within(xd) - Within(yd);
    }

    /// <summary>Mode statistics of samples against mixture centres: each sample is assigned to its nearest centre and
    /// counts when within <paramref name="radius"/> of it; a mode is covered when at least <paramref name="minCount"/>
    /// counted samples are assigned to it. Also returns the share of counted samples.</summary>
    public static (int Covered, double ShareWithin) Modes(Tensor samples, float[,] centres, double radius, int minCount)
    {
        using var scope = NewDisposeScope();
        int k = centres.GetLength(0);
        var c = tensor(centres.Cast<float>().ToArray()).reshape(k, 2).to(float64);
        var d = cdist(samples.to(float64).cpu(), c);
        var (nearest, index) = d.min(1);
        var good = nearest.le(radius);
        var counts = bincount(index.masked_select(good), minlength: k);
        int covered = (int)counts.ge(minCount).sum().item<long>();
        double share = good.to(float64).mean().item<double>();
        return (covered, share);
    }

    /// <summary>The smallest distance between two distinct centres.</summary>
    public static double MinimumSpacing(float[,] centres)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < centres.GetLength(0); i++)
            for (int j = i + 1; j < centres.GetLength(0); j++)
                best = Math.Min(best, Math.Sqrt(Math.Pow(centres[i, 0] - centres[j, 0], 2) + Math.Pow(centres[i, 1] - centres[j, 1], 2)));
        return best;
    }
}

/// <summary>
/// Scores for a toy run. For all sets: energy distance to a fresh real sample of the same size ("energy") and the
/// real-vs-real reference at the same size ("energy_real"). For the Gaussian mixtures also:
/// "modes": how many centres are covered, a centre being covered when at least a quarter of its fair share of the
/// samples (N / 4K for K centres) lies within a quarter of the smallest distance between centres of it (such a sample is
/// unambiguously attributed to that mode; an untrained generator's blob near the origin covers none);
/// "hq": the share of high-quality samples, within 3σ of their nearest centre (the strict rule of VEEGAN/PacGAN).
/// </summary>
public sealed class ToyScorer(Data.ToyKind kind, long seed) : IScorer
{
    public const double HighQualitySigmas = 3.0, CoverageShareOfFair = 0.25, CoverageRadiusOfSpacing = 0.25;

    public IReadOnlyDictionary<string, double> Score(Tensor samples)
    {
        int n = (int)samples.shape[0];
        using var real = Data.ToyDataset.Create(kind, seed);
        using var a = real.NextBatch(n);
        using var b = real.NextBatch(n);
        var scores = new Dictionary<string, double>
        {
            ["energy"] = ToyMetrics.EnergyDistance(samples, a),
            ["energy_real"] = ToyMetrics.EnergyDistance(b, a),
        };
        if (real.Centres.GetLength(0) is var modes and > 0)
        {
            int minCount = Math.Max(1, (int)Math.Ceiling(CoverageShareOfFair * n / modes));
            var radius = CoverageRadiusOfSpacing * ToyMetrics.MinimumSpacing(real.Centres);
            scores["modes"] = ToyMetrics.Modes(samples, real.Centres, radius, minCount).Covered;
            scores["hq"] = ToyMetrics.Modes(samples, real.Centres, HighQualitySigmas * real.Sigma, minCount).ShareWithin;
        }
        return scores;
    }
}
