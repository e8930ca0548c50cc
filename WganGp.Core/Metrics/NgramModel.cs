namespace WganGp.Core.Metrics;

/// <summary>
/// The n-gram distribution of a list of token sequences, counted as language_helpers.NgramLanguageModel does: every
/// window of n consecutive tokens within each sequence (positions 0..len−n; none cross from one line to the next, and a
/// line shorter than n adds none), each window counting once; p(g) = count(g) / total. Tokens are non-negative ints
/// below 2²¹ (vocabulary ids, bytes or Unicode scalar values); n is 1..6.
/// </summary>
public sealed class NgramModel
{
    public const int MaxN = 6;
    const int TokenBits = 21;
    const int TokenLimit = 1 << TokenBits;

    readonly Dictionary<UInt128, long> counts = new();

    public NgramModel(int n, IEnumerable<IReadOnlyList<int>> sequences)
    {
        if (n < 1 || n > MaxN) throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be in 1..{MaxN}");
        N = n;
        long line = 0;
        foreach (var sequence in sequences)
        {
            for (int i = 0; i + n <= sequence.Count; i++)
            {
                UInt128 key = 0;
                for (int j = 0; j < n; j++)
                {
                    int token = sequence[i + j];
                    if ((uint)token >= TokenLimit)
                        throw new ArgumentOutOfRangeException(nameof(sequences), token, $"line {line}, position {i + j}: tokens must be in 0..{TokenLimit - 1}");
                    key = (key << TokenBits) | (uint)token;
                }
                counts[key] = counts.GetValueOrDefault(key) + 1;
                Total++;
            }
            line++;
        }
    }

    /// <summary>The model of text lines, each line's tokens being its Unicode scalar values.</summary>
    public static NgramModel OfLines(int n, IEnumerable<string> lines) =>
        new(n, lines.Select(l => (IReadOnlyList<int>)l.EnumerateRunes().Select(r => r.Value).ToArray()));

    public int N { get; }

    /// <summary>How many n-grams were counted (with repetition).</summary>
    public long Total { get; }

    /// <summary>How many distinct n-grams occur.</summary>
    public int Unique => counts.Count;

    /// <summary>How often an n-gram occurs; 0 when it does not (or has the wrong length).</summary>
    public long Count(IReadOnlyList<int> ngram)
    {
        if (ngram.Count != N) return 0;
        UInt128 key = 0;
        foreach (var token in ngram)
        {
            if ((uint)token >= TokenLimit) return 0;
            key = (key << TokenBits) | (uint)token;
        }
        return counts.GetValueOrDefault(key);
    }

    /// <summary>How often a string (its Unicode scalar values) occurs as an n-gram.</summary>
    public long Count(string ngram) => Count(ngram.EnumerateRunes().Select(r => r.Value).ToArray());

    internal IReadOnlyDictionary<UInt128, long> Counts => counts;

    internal string Describe() => $"{N}-gram model of {Total} n-grams ({Unique} distinct)";
}
