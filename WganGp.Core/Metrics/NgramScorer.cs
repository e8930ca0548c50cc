using System.Globalization;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>
/// gan_language.py's sample metric: the character n-gram Jensen–Shannon divergence (bits, <see cref="NgramDivergence"/>)
/// between generated samples and the training corpus, scores "js1".."js{maxN}". Samples [N, length, V] (softmax
/// outputs or one-hot) are decoded by argmax per position into token ids; the reference lines are the corpus's id
/// sequences (padded with '`', 'unk' as id 0). Counting ids is counting the code's character tuples, because its
/// vocabulary maps each character (and 'unk') to one id. The reference models are built once.
/// </summary>
public sealed class NgramScorer : IScorer
{
    readonly NgramModel[] reference;
    readonly string referenceName;
    readonly long referenceLines;
    long generated;

    public NgramScorer(string referenceName, IEnumerable<IReadOnlyList<int>> referenceLines, int maxN = 4)
    {
        if (maxN < 1 || maxN > NgramModel.MaxN) throw new ArgumentOutOfRangeException(nameof(maxN), maxN, $"maxN must be in 1..{NgramModel.MaxN}");
        var lines = referenceLines as IReadOnlyList<IReadOnlyList<int>> ?? referenceLines.ToArray();
        if (lines.Count == 0) throw new ArgumentException($"{referenceName}: no reference lines", nameof(referenceLines));
        this.referenceName = referenceName;
        this.referenceLines = lines.Count;
        reference = Enumerable.Range(1, maxN).Select(n => new NgramModel(n, lines)).ToArray();
    }

    /// <summary>The scorer of gan_language.py: reference = every line of the corpus.</summary>
    public static NgramScorer ForCorpus(Data.Text.CharCorpus corpus, int maxN = 4) => new(corpus.Name, corpus.Lines, maxN);

    public int MaxN => reference.Length;

    /// <summary>js1..js{maxN}: Jensen-Shannon divergences, lower is better.</summary>
    public static IReadOnlyList<ScoreDeclaration> Declarations(int maxN = 4) =>
        [.. Enumerable.Range(1, maxN).Select(n => new ScoreDeclaration($"js{n}", Better.Lower))];

    public IReadOnlyList<ScoreDeclaration> Declares => Declarations(MaxN);

    public IReadOnlyDictionary<string, double> Score(Tensor samples)
    {
        var decoded = ArgmaxDecode(samples);
        generated = decoded.Length;
        var scores = new Dictionary<string, double>();
        for (int n = 1; n <= MaxN; n++)
            scores[$"js{n}"] = NgramDivergence.JensenShannon(new NgramModel(n, decoded), reference[n - 1]);
        return scores;
    }

    public IReadOnlyDictionary<string, string> Protocol => new Dictionary<string, string>
    {
        ["metric"] = "character n-gram Jensen-Shannon divergence, bits (language_helpers.js_with)",
        ["ngram_counting"] = "windows within each line",
        ["reference"] = referenceName,
        ["reference_n"] = referenceLines.ToString(CultureInfo.InvariantCulture),
        ["generated_n"] = generated.ToString(CultureInfo.InvariantCulture),
        ["decoding"] = "argmax decoding",
    };

    /// <summary>The argmax id at each position of samples [N, length, V]: one id sequence per sample.</summary>
    public static int[][] ArgmaxDecode(Tensor samples)
    {
        if (samples.dim() != 3) throw new ArgumentException($"samples must be [N, length, vocabulary], got [{string.Join(", ", samples.shape)}]", nameof(samples));
        using var ids = samples.detach().argmax(2).to(int32).cpu();
        var flat = ids.data<int>().ToArray();
        int n = (int)samples.shape[0], length = (int)samples.shape[1];
        return Enumerable.Range(0, n).Select(i => flat.AsSpan(i * length, length).ToArray()).ToArray();
    }
}
