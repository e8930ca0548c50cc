namespace WganGp.Core.Metrics;

/// <summary>Which way a score improves.</summary>
public enum Better
{
    Lower,
    Higher,
}

/// <summary>
/// A score a scorer writes, as it declares it: which direction is better, and its companions — its spread over splits
/// or subsets, and its real-data ceiling (the same measure of held-out real images). Tables, curves and verdicts read
/// declarations, never name suffixes.
/// </summary>
public sealed record ScoreDeclaration(string Name, Better Better, string? Spread = null, string? Ceiling = null, string? SpreadCeiling = null)
{
    /// <summary>The scores that accompany this one rather than measure on their own.</summary>
    public IEnumerable<string> Companions => new[] { Spread, Ceiling, SpreadCeiling }.OfType<string>();

    /// <summary>The same declaration with a real-data ceiling for the score and its spread, named by <paramref name="suffix"/>.</summary>
    public ScoreDeclaration WithCeiling(string suffix) =>
        this with { Ceiling = Name + suffix, SpreadCeiling = Spread is { } s ? s + suffix : null };
}
