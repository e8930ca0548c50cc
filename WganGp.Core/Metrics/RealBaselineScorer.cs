using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>
/// Adds the ceiling a reader needs beside every generated score: the same scorer applied to as many real held-out
/// images (e.g. the test split) as there are samples, reported as "&lt;score&gt;_real". FID and KID against the
/// training reference at the same N are then what a perfect generator would get, and IS the real data's own.
/// </summary>
public sealed class RealBaselineScorer(IScorer inner, Tensor heldOut, string heldOutName) : IScorer
{
    /// <summary>What the held-out images' scores are named: the score's name and this.</summary>
    public const string Suffix = "_real";

    /// <summary>The inner scorer's declarations with their real-data ceilings.</summary>
    public static IReadOnlyList<ScoreDeclaration> WithCeilings(IEnumerable<ScoreDeclaration> inner) => [.. inner.Select(d => d.WithCeiling(Suffix))];

    public IReadOnlyList<ScoreDeclaration> Declares { get; } = WithCeilings(inner.Declares);

    readonly Dictionary<long, IReadOnlyDictionary<string, double>> baselines = new();

    public IReadOnlyDictionary<string, double> Score(Tensor samples)
    {
        long n = samples.shape[0];
        if (n > heldOut.shape[0])
            throw new ArgumentException($"{heldOutName} has {heldOut.shape[0]} images; the real baseline for {n} samples needs as many");
        if (!baselines.TryGetValue(n, out var baseline))
        {
            using var real = heldOut.narrow(0, 0, n);
            baselines[n] = baseline = inner.Score(real);
        }
        var scores = new Dictionary<string, double>(inner.Score(samples));
        foreach (var (name, value) in baseline) scores[name + Suffix] = value;
        return scores;
    }

    public IReadOnlyDictionary<string, string> Protocol =>
        new Dictionary<string, string>(inner.Protocol) { ["real_baseline"] = $"the first N of {heldOutName}, N = generated_n" };
}
