using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>Seeded, resumable batches over an in-memory labelled image set, in <see cref="EpochOrder"/>; with
/// <paramref name="ownsData"/> the set is disposed with the sampler.</summary>
public sealed class ShuffledBatches(LabelledImages data, long seed, PixelScaling scaling, bool ownsData = false)
    : IResumableBatchSource, ILabelledBatchSource
{
    readonly EpochOrder order = new(data.Count, seed, data.Name);

    public string Name => data.Name;

    public long[] ItemShape => data.Images.shape[1..];

    public SamplerPosition Position => order.Position;

    public void Restore(SamplerPosition position) => order.Restore(position);

    public int Classes => data.Classes;

    // Unconditional training (the common case) takes no labels, so none are gathered for it.
    public Tensor NextBatch(int batchSize) => Take(batchSize, withLabels: false).Images;

    public (Tensor Images, Tensor Labels) NextLabelled(int batchSize)
    {
        var (images, labels) = Take(batchSize, withLabels: true);
        return (images, labels!);
    }

    (Tensor Images, Tensor? Labels) Take(int batchSize, bool withLabels)
    {
        using var noise = Pixels.NoiseFor(seed, order.Position);
        using var indices = tensor(order.Next(batchSize));
        return (data.Select(indices, scaling, noise), withLabels ? data.Labels.index_select(0, indices) : null);
    }

    public void Dispose()
    {
        if (ownsData) data.Dispose();
    }
}
