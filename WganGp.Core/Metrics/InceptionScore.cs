using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>How the Inception Score splits its samples (torch-fidelity's defaults): <paramref name="Splits"/>
/// contiguous splits of rows [⌊kN/s⌋, ⌊(k+1)N/s⌋), after permuting the rows with numpy's
/// <c>RandomState(<paramref name="ShuffleSeed"/>).permutation(N)</c> when <paramref name="Shuffle"/> is set.</summary>
public sealed record InceptionScoreOptions(int Splits = 10, bool Shuffle = true, int ShuffleSeed = 2020);

/// <summary>An Inception Score: the mean and population standard deviation (ddof 0) of the per-split scores.</summary>
public sealed record InceptionScoreResult(double Mean, double Std, IReadOnlyList<double> SplitScores);

/// <summary>The Inception Score exp(E_x KL(p(y|x) ‖ p̂(y))) of class logits, computed as torch-fidelity's
/// <c>isc_features_to_metric</c> does (float64, softmax over all given classes, per-split marginals).</summary>
public static class InceptionScore
{
    /// <summary>The score of logits [N, classes] (any dtype or device; computed in float64 on the CPU).</summary>
    public static InceptionScoreResult Compute(Tensor logits, InceptionScoreOptions? options = null)
    {
        options ??= new InceptionScoreOptions();
        if (logits.dim() != 2)
            throw new ArgumentException($"the Inception Score needs logits [N, classes]; got shape [{string.Join(", ", logits.shape)}]", nameof(logits));
        long n = logits.shape[0];
        if (options.Splits < 1)
            throw new ArgumentException($"the Inception Score needs at least 1 split; got {options.Splits}", nameof(options));
        if (n < options.Splits)
            throw new ArgumentException($"the Inception Score needs at least as many samples as splits: got N={n}, splits={options.Splits}", nameof(logits));
        if (n > int.MaxValue)
            throw new ArgumentException($"too many samples for the Inception Score: N={n}", nameof(logits));

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var source = logits.detach();
        var order = options.Shuffle
            ? tensor(new NumpyRandomState(options.ShuffleSeed).Permutation((int)n), int64, source.device)
            : null;
        var scores = new double[options.Splits];
        for (int k = 0; k < options.Splits; k++)
        {
            // Split by split (softmax is row-wise, so this equals torch-fidelity's whole-set softmax) to bound memory.
            using var splitScope = NewDisposeScope();
            long start = k * n / options.Splits, end = (k + 1) * n / options.Splits;
            var rows = order is null ? source.narrow(0, start, end - start) : source.index_select(0, order.narrow(0, start, end - start));
            var x = rows.cpu().to(float64);
            var p = x.softmax(1);
            var marginal = p.mean(new long[] { 0 }, keepdim: true);
            var kl = (p * (x.log_softmax(1) - marginal.log())).sum(1);
            scores[k] = Math.Exp(kl.mean().item<double>());
        }
        var (mean, std) = MeanAndPopulationStd(scores);
        return new InceptionScoreResult(mean, std, scores);
    }

    /// <summary>numpy's <c>np.mean</c> and <c>np.std</c> (ddof 0).</summary>
    internal static (double Mean, double Std) MeanAndPopulationStd(IReadOnlyList<double> values)
    {
        double mean = values.Sum() / values.Count;
        double squares = values.Sum(v => (v - mean) * (v - mean));
        return (mean, Math.Sqrt(squares / values.Count));
    }
}
