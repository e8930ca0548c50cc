using WganGp.Core.Data.Images;

using WganGp.Core.Registry;

namespace WganGp.Core.Data.Formats;

/// <summary>Encoded images decoded on the fly (folders, LMDB): resized (shorter side) and centre-cropped by a
/// background prefetcher with its own decoding threads.</summary>
public abstract class StreamedFormat(ImageOptions options) : DataFormat
{
    public ImageOptions Options { get; } = options;

    public override DataKind Data => DataKind.Images;

    /// <summary>The encoded images at a path.</summary>
    protected abstract IEncodedImages Store(string path);

    public override IResumableBatchSource Open(string path, PixelScaling scaling, long seed, int decodeThreads, Action<string> warn) =>
        new Prefetcher(new StreamedImages(Store(path), Options, scaling, seed, decodeThreads, warn));

    public override IEnumerable<string> Inspect(IBatchSource opened)
    {
        var skipped = ((StreamedImages)((Prefetcher)opened).Inner).Skipped.Select(s => s.ToString()).ToList();
        return [$"skipped: {skipped.Count}", .. skipped.Take(10).Select(s => $"  {s}")];
    }
}

/// <summary>Every PNG, JPEG and WebP file under a folder.</summary>
[Kind("folder")]
public sealed class ImageFolderFormat(ImageOptions options) : StreamedFormat(options)
{
    public override string Describe() => $"folder {Options}";
    protected override IEncodedImages Store(string path) => new FolderImages(path);
}

/// <summary>An LMDB database whose values are encoded images, as LSUN is distributed.</summary>
[Kind("lmdb")]
public sealed class LmdbFormat(ImageOptions options) : StreamedFormat(options)
{
    public override string Describe() => $"lmdb {Options}";
    protected override IEncodedImages Store(string path) => new LmdbImages(path);
}
