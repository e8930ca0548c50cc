using static TorchSharp.torch;

namespace WganGp.Core.Data.Text;

/// <summary>
/// Seeded, resumable batches of corpus lines in <see cref="EpochOrder"/>, one-hot encoded as float32 [B, L, V]: the
/// real inputs of the character language model's critic (the code feeds tf.one_hot of the ids).
/// </summary>
public sealed class CharBatches(CharCorpus corpus, long seed) : IResumableBatchSource
{
    readonly EpochOrder order = new(corpus.Count, seed, corpus.Name);

    public string Name => corpus.Name;

    public long[] ItemShape => [corpus.SequenceLength, corpus.Vocabulary.Count];

    public CharCorpus Corpus => corpus;

    public SamplerPosition Position => order.Position;

    public void Restore(SamplerPosition position) => order.Restore(position);

    /// <summary>The next batch one-hot, float32 [B, L, V].</summary>
    public Tensor NextBatch(int batchSize) => corpus.OneHot(order.Next(batchSize));

    /// <summary>The next batch as ids, int64 [B, L] (advances the same order as <see cref="NextBatch"/>).</summary>
    public Tensor NextIds(int batchSize) => corpus.Select(order.Next(batchSize));

    /// <summary>The corpus lives in managed memory; nothing native to release.</summary>
    public void Dispose() { }
}
