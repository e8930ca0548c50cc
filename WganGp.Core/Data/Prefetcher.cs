using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>
/// Runs a batch source ahead of the trainer on a background thread, keeping up to <c>depth</c> batches ready, so
/// reading and decoding overlap the training step. Its <see cref="Position"/> is that of the last batch handed out
/// (not of the ones waiting), so saving and restoring it resumes exactly. An error on the worker is rethrown, with
/// its original type and message, by the <see cref="NextBatch"/> that would have received that batch.
/// </summary>
public sealed class Prefetcher(IResumableBatchSource inner, int depth = 4) : IResumableBatchSource, IDisposable
{
    sealed record Item(Tensor? Batch, SamplerPosition After, ExceptionDispatchInfo? Error);

    readonly int capacity = depth >= 1 ? depth : throw Refuse(inner, depth);

    /// <summary>The source was handed over to be owned: a refused prefetcher releases it.</summary>
    static ArgumentOutOfRangeException Refuse(IResumableBatchSource inner, int depth)
    {
        inner.Dispose();
        return new ArgumentOutOfRangeException(nameof(depth), depth, "prefetch depth must be at least 1");
    }

    BlockingCollection<Item>? queue;
    CancellationTokenSource? stop;
    Thread? worker;
    int runningBatchSize;

    public string Name => inner.Name;

    public long[] ItemShape => inner.ItemShape;

    /// <summary>The source it runs ahead of.</summary>
    public IResumableBatchSource Inner => inner;

    public SamplerPosition Position { get; private set; } = inner.Position;

    /// <summary>Seconds the consumer spent blocked waiting for batches that were not ready yet, in all.</summary>
    public double WaitSeconds { get; private set; }

    /// <summary>Of <see cref="WaitSeconds"/>, the wait for the first batch after a start (nothing can be ahead yet).</summary>
    public double StartWaitSeconds { get; private set; }

    bool fresh;

    public void Restore(SamplerPosition position)
    {
        Stop();
        inner.Restore(position);
        Position = position;
    }

    public Tensor NextBatch(int batchSize)
    {
        if (queue is null || batchSize != runningBatchSize) Start(batchSize);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var item = queue!.Take();
        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        WaitSeconds += waited;
        if (fresh) StartWaitSeconds += waited;
        fresh = false;
        if (item.Error is not null)
        {
            Stop();
            item.Error.Throw();
        }
        Position = item.After;
        // The batch was made on the worker thread, outside the caller's dispose scope: hand out a copy that belongs to it.
        using var made = item.Batch!;
        return made.clone();
    }

    void Start(int batchSize)
    {
        Stop();
        inner.Restore(Position);
        runningBatchSize = batchSize;
        fresh = true;
        var items = new BlockingCollection<Item>(capacity);
        var cancel = new CancellationTokenSource();
        queue = items;
        stop = cancel;
        worker = new Thread(() => Produce(items, batchSize, cancel.Token)) { IsBackground = true, Name = $"prefetch {inner.Name}" };
        worker.Start();
    }

    void Produce(BlockingCollection<Item> items, int batchSize, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            Item item;
            try { item = new Item(inner.NextBatch(batchSize), inner.Position, null); }
            catch (Exception e) { item = new Item(null, default, ExceptionDispatchInfo.Capture(e)); }
            try { items.Add(item, cancel); }
            catch (OperationCanceledException)
            {
                item.Batch?.Dispose();
                return;
            }
            if (item.Error is not null) return;
        }
    }

    void Stop()
    {
        if (queue is null) return;
        stop!.Cancel();
        worker!.Join();
        while (queue.TryTake(out var left)) left.Batch?.Dispose();
        queue.Dispose();
        stop.Dispose();
        queue = null;
        stop = null;
        worker = null;
    }

    public void Dispose()
    {
        Stop();
        (inner as IDisposable)?.Dispose();
    }
}
