using static TorchSharp.torch;

namespace WganGp.Core.Data.Images;

/// <summary>
/// Seeded, resumable batches decoded on demand from a folder or an LMDB database (LSUN has 3 million images; none is
/// held decoded). Indices follow <see cref="EpochOrder"/>. An item that cannot be read or decoded is a counted skip:
/// it is reported once (key and reason, through <c>warn</c>) and replaced by the next index in the order, so every
/// batch is full and a resumed run still sees the same batches. Too many failures in one batch stop the run.
/// </summary>
public sealed class StreamedImages : IResumableBatchSource, IDisposable
{
    readonly IEncodedImages store;
    readonly ImageOptions options;
    readonly PixelScaling scaling;
    readonly long seed;
    readonly int decodeThreads;
    readonly Action<string> warn;
    readonly EpochOrder order;
    readonly Dictionary<long, DataSkip> skipped = [];

    public StreamedImages(IEncodedImages store, ImageOptions options, PixelScaling scaling, long seed, int decodeThreads = 1,
                          Action<string>? warn = null)
    {
        try
        {
            options.Validate();
            if (decodeThreads < 1) throw new ArgumentOutOfRangeException(nameof(decodeThreads), decodeThreads, "at least one decoding thread");
            order = new EpochOrder(store.Count, seed, store.Name);
        }
        catch
        {
            // The store was handed over to be owned (an LMDB environment must never be left to its finalizer).
            store.Dispose();
            throw;
        }
        this.store = store;
        this.options = options;
        this.scaling = scaling;
        this.seed = seed;
        this.decodeThreads = decodeThreads;
        this.warn = warn ?? (message => Console.Error.WriteLine($"warning: {message}"));
    }

    public string Name => $"{store.Name} ({options})";
    public long[] ItemShape => [options.Channels, options.Size, options.Size];
    public SamplerPosition Position => order.Position;
    public void Restore(SamplerPosition position) => order.Restore(position);

    /// <summary>Distinct items skipped so far, with the reason.</summary>
    public IReadOnlyCollection<DataSkip> Skipped => skipped.Values;

    public Tensor NextBatch(int batchSize)
    {
        using var noise = Pixels.NoiseFor(seed, order.Position);
        var pixels = Decoded(batchSize);
        using var bytes = tensor(pixels, [batchSize, options.Channels, options.Size, options.Size], dtype: ScalarType.Byte);
        return Pixels.Scale(bytes, scaling, noise);
    }

    /// <summary>The next batch's pixels, [batchSize, C, Size, Size] row-major.</summary>
    public byte[] Decoded(int batchSize)
    {
        var perImage = options.PixelsPerImage;
        var pixels = new byte[(long)batchSize * perImage];
        var filled = 0;
        var failures = 0;
        if (batchSize > store.Count) throw new InvalidDataException(TooFew(batchSize));
        var wanted = order.Next(batchSize);
        while (true)
        {
            var errors = new string?[wanted.Length];
            var encoded = store.Read(wanted, errors);
            var ok = new bool[wanted.Length];
            // Decode into a scratch row per item, in parallel; then place the good ones in order.
            var scratch = new byte[wanted.Length][];
            Parallel.For(0, wanted.Length, new ParallelOptions { MaxDegreeOfParallelism = decodeThreads }, i =>
            {
                if (encoded[i] is not { } bytes) return;
                scratch[i] = new byte[perImage];
                try
                {
                    ImageDecoder.Decode(bytes, options, scratch[i]);
                    ok[i] = true;
                }
                catch (InvalidDataException e) { errors[i] = e.Message; }
            });
            for (var i = 0; i < wanted.Length; i++)
            {
                if (ok[i])
                {
                    scratch[i].CopyTo(pixels.AsSpan(filled * perImage, perImage));
                    filled++;
                }
                else Skip(wanted[i], errors[i] ?? "unreadable", ref failures, batchSize);
            }
            if (filled == batchSize) return pixels;
            // Replacements come from the same order, one at a time, so the choice is reproducible.
            wanted = Enumerable.Range(0, batchSize - filled).Select(_ => order.Next(1)[0]).ToArray();
        }
    }

    void Skip(long index, string reason, ref int failures, int batchSize)
    {
        if (!skipped.ContainsKey(index))
        {
            var skip = new DataSkip(store.KeyOf(index), reason);
            skipped[index] = skip;
            warn($"skipped {skip} ({skipped.Count} skipped so far)");
        }
        if (skipped.Count == store.Count)
            throw new InvalidDataException($"{store.Name}: none of the {store.Count} images found could be used; {Reasons(skipped.Values)}");
        if (++failures > Math.Max(16, 2 * batchSize))
            throw new InvalidDataException(
                $"{store.Name}: {failures} items failed while filling one batch of {batchSize} ({skipped.Count} of {store.Count} skipped in all); last: {skipped[index]}");
    }

    /// <summary>Why a batch cannot be filled from a store holding fewer items than one batch: how many it holds and,
    /// when none decodes, why each of the first ones could not be used.</summary>
    string TooFew(int batchSize)
    {
        var indices = Enumerable.Range(0, (int)store.Count).Select(i => (long)i).ToArray();
        var errors = new string?[indices.Length];
        var encoded = store.Read(indices, errors);
        var bad = new List<DataSkip>();
        var scratch = new byte[options.PixelsPerImage];
        for (var i = 0; i < indices.Length; i++)
        {
            if (encoded[i] is { } bytes)
            {
                try { ImageDecoder.Decode(bytes, options, scratch); continue; }
                catch (InvalidDataException e) { errors[i] = e.Message; }
            }
            bad.Add(new DataSkip(store.KeyOf(indices[i]), errors[i] ?? "unreadable"));
        }
        var found = $"{store.Name}: {store.Count} images found, fewer than one batch of {batchSize}";
        return bad.Count == indices.Length ? $"{found}, and none of them could be used; {Reasons(bad)}"
            : bad.Count == 0 ? $"{found}; use a smaller batch or more images"
            : $"{found}; {indices.Length - bad.Count} of them decode; {Reasons(bad)}";
    }

    /// <summary>The first few skips, each with its key and reason.</summary>
    static string Reasons(IEnumerable<DataSkip> skips)
    {
        var all = skips.ToList();
        var shown = string.Join("; ", all.Take(3));
        return all.Count > 3 ? $"{shown}; and {all.Count - 3} more" : shown;
    }

    public void Dispose() => store.Dispose();
}
