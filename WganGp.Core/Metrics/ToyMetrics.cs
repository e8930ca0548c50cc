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
