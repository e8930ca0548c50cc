using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>Where a sampler stands: the epoch and the offset of the next batch in that epoch's order.</summary>
public readonly record struct SamplerPosition(long Epoch, long Offset);

/// <summary>
/// Seeded batches of indices over a set of <c>count</c> items: each epoch is a fresh permutation drawn from (seed, epoch)
/// alone, consumed in consecutive batches; a tail shorter than a batch is skipped (as the paper's data generators do).
/// Because an epoch's order depends only on the seed and the epoch, restoring a <see cref="SamplerPosition"/> reproduces
/// exactly the batches an uninterrupted run would have seen. Every sampler over real data shares this order.
/// </summary>
public sealed class EpochOrder(long count, long seed, string name)
{
    long[]? order;

    public long Count => count;

    public SamplerPosition Position { get; private set; }

    public void Restore(SamplerPosition position)
    {
        if (position.Epoch < 0 || position.Offset < 0 || position.Offset > count)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"not a position in {name} ({count} items)");
        order = null;
        Position = position;
    }

    /// <summary>The indices of the next batch, advancing the position (to the next epoch when the tail is too short).</summary>
    public long[] Next(int batchSize)
    {
        if (batchSize < 1 || batchSize > count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in 1..{count} for {name}");
        if (Position.Offset + batchSize > count) Restore(new SamplerPosition(Position.Epoch + 1, 0));
        order ??= Permutation(Position.Epoch);
        var batch = order.AsSpan((int)Position.Offset, batchSize).ToArray();
        Position = Position with { Offset = Position.Offset + batchSize };
        return batch;
    }

    long[] Permutation(long epoch)
    {
        using var generator = new Generator((ulong)seed * 1_000_003UL + (ulong)epoch);
        using var permutation = randperm(count, generator: generator);
        return permutation.data<long>().ToArray();
    }
}
