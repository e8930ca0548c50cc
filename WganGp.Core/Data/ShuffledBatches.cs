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

    public Tensor NextBatch(int batchSize) => NextLabelled(batchSize).Images;

    public (Tensor Images, Tensor Labels) NextLabelled(int batchSize)
    {
        using var noise = Pixels.NoiseFor(seed, order.Position);
        using var indices = tensor(order.Next(batchSize));
        return (data.Select(indices, scaling, noise), data.Labels.index_select(0, indices));
    }

    public void Dispose()
    {
        if (ownsData) data.Dispose();
    }
}
