using WganGp.Core.Data.Text;

using WganGp.Core.Registry;
using static TorchSharp.torch;

namespace WganGp.Core.Data.Formats;

/// <summary>Text laid out as Billion Word's training folder, for the character language model (one-hot [B, 32, V]).</summary>
[Kind("text")]
public sealed class TextFormat(CharCorpusOptions options) : DataFormat
{
    public CharCorpusOptions Options { get; } = options;

    public override string Describe() =>
        $"text {Options.Unit} length {Options.SequenceLength} vocabulary {Options.MaxVocabulary} lines {Options.MaxLines} shuffle {Options.ShuffleSeed}";

    public override DataKind Data => DataKind.Text;

    public override IResumableBatchSource Open(string path, PixelScaling scaling, long seed, int decodeThreads, Action<string> warn) =>
        new CharBatches(CharCorpus.Load(path, Options), seed);

    // The batches this format opened are its own CharBatches.
    public override CharCorpus? Corpus(IBatchSource opened) => ((CharBatches)opened).Corpus;

    public override Func<Tensor, IReadOnlyList<string>>? SampleText(IBatchSource opened)
    {
        var vocabulary = ((CharBatches)opened).Corpus.Vocabulary;
        return samples => [.. Metrics.NgramScorer.ArgmaxDecode(samples).Select(ids => vocabulary.Decode(ids))];
    }

    public override IEnumerable<string> Inspect(IBatchSource opened)
    {
        var corpus = ((CharBatches)opened).Corpus;
        return [$"vocabulary: {corpus.Vocabulary.Count} symbols; first lines in sampling order:",
                .. corpus.Lines.Take(5).Select(line => "  " + corpus.Vocabulary.Decode(line))];
    }
}
