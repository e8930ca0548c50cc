using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>Where a sampler stands: the epoch and the offset of the next batch in that epoch's order.</summary>
public readonly record struct SamplerPosition(long Epoch, long Offset);

/// <summary>
/// Seeded batches over a labelled image set: each epoch is a fresh permutation drawn from (seed, epoch) alone, consumed in
/// consecutive batches; a tail shorter than a batch is skipped (as the paper's generators do). Because an epoch's order
/// depends only on the seed and the epoch, restoring a <see cref="SamplerPosition"/> reproduces exactly the batches an
/// uninterrupted run would have seen.
/// </summary>
public sealed class ShuffledBatches(LabelledImages data, long seed, PixelScaling scaling) : IBatchSource, IDisposable
{
    Tensor? order;

    public string Name => data.Name;

    public SamplerPosition Position { get; private set; }

    public void Restore(SamplerPosition position)
    {
        if (position.Epoch < 0 || position.Offset < 0 || position.Offset > data.Count)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"not a position in {data.Name} ({data.Count} images)");
        order?.Dispose();
        order = null;
        Position = position;
    }

    public Tensor NextBatch(int batchSize)
    {
        if (batchSize < 1 || batchSize > data.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in 1..{data.Count} for {data.Name}");
        if (Position.Offset + batchSize > data.Count) Restore(new SamplerPosition(Position.Epoch + 1, 0));
        order ??= Permutation(Position.Epoch);
        using var indices = order.narrow(0, Position.Offset, batchSize);
        Position = Position with { Offset = Position.Offset + batchSize };
        return data.Select(indices, scaling);
    }

    public void Dispose() => order?.Dispose();

    Tensor Permutation(long epoch)
    {
        using var generator = new Generator((ulong)seed * 1_000_003UL + (ulong)epoch);
        return randperm(data.Count, generator: generator);
    }
}
