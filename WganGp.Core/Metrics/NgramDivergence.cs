namespace WganGp.Core.Metrics;

/// <summary>
/// Jensen–Shannon divergence between two n-gram distributions, as language_helpers.NgramLanguageModel.js_with computes
/// it for gan_language.py's js1..js4: with m = ½(p + q),
/// JS = ½[Σ_{g ∈ supp p} p(g) ln(p(g)/m(g)) + Σ_{g ∈ supp q} q(g) ln(q(g)/m(g))] / ln 2,
/// i.e. in bits (base-2 logarithm): 0 for identical distributions, 1 for disjoint supports. Symmetric in p and q.
/// </summary>
public static class NgramDivergence
{
    /// <summary>JS(p, q) in bits. Both models need the same n and at least one n-gram.</summary>
    public static double JensenShannon(NgramModel p, NgramModel q)
    {
        if (p.N != q.N) throw new ArgumentException($"cannot compare a {p.N}-gram model with a {q.N}-gram model");
        if (p.Total == 0) throw new ArgumentException($"the first {p.Describe()} is empty: every line is shorter than n", nameof(p));
        if (q.Total == 0) throw new ArgumentException($"the second {q.Describe()} is empty: every line is shorter than n", nameof(q));
        return 0.5 * (KlToMixture(p, q) + KlToMixture(q, p)) / Math.Log(2);
    }

    /// <summary>JS in bits between the n-gram distributions of two lists of text lines (tokens: Unicode scalar values).</summary>
    public static double JensenShannon(int n, IEnumerable<string> a, IEnumerable<string> b) =>
        JensenShannon(NgramModel.OfLines(n, a), NgramModel.OfLines(n, b));

    /// <summary>JS in bits between the n-gram distributions of two lists of token sequences (e.g. vocabulary ids).</summary>
    public static double JensenShannon(int n, IEnumerable<IReadOnlyList<int>> a, IEnumerable<IReadOnlyList<int>> b) =>
        JensenShannon(new NgramModel(n, a), new NgramModel(n, b));

    // KL(p ‖ m) in nats over p's support, m = ½(p + q); logs as the Python code takes them (log count − log total,
    // then logaddexp for m), so a q of 0 gives m = p/2 exactly.
    static double KlToMixture(NgramModel p, NgramModel q)
    {
        double logTotalP = Math.Log(p.Total), logTotalQ = Math.Log(q.Total), ln2 = Math.Log(2);
        double sum = 0;
        foreach (var (key, count) in p.Counts)
        {
            double logP = Math.Log(count) - logTotalP;
            double logM = q.Counts.TryGetValue(key, out var countQ)
                ? LogAddExp(logP - ln2, Math.Log(countQ) - logTotalQ - ln2)
                : logP - ln2;
            sum += Math.Exp(logP) * (logP - logM);
        }
        return sum;
    }

    static double LogAddExp(double a, double b)
    {
        double high = Math.Max(a, b), low = Math.Min(a, b);
        return high + double.LogP1(Math.Exp(low - high));
    }
}
