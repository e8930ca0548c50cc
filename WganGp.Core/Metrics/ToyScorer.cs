using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

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

    /// <summary>energy (with its real-vs-real ceiling energy_real), modes and hq (mixtures only).</summary>
    public static IReadOnlyList<ScoreDeclaration> Declarations { get; } =
        [new("energy", Better.Lower, Ceiling: "energy_real"), new("modes", Better.Higher), new("hq", Better.Higher)];

    public IReadOnlyList<ScoreDeclaration> Declares => Declarations;

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
