
using WganGp.Core.Registry;

namespace WganGp.Core.Data.Formats;

/// <summary>IDX image and label files (MNIST, Fashion-MNIST), gzip or raw, named relative to the dataset's path;
/// optionally zero-padded (centred) to a square size, e.g. 28 → 32 for the power-of-two architectures. Its held-out
/// split is the t10k- files beside train- ones.</summary>
[Kind("idx")]
public sealed class IdxFormat(string images, string labels, int? padTo = null) : DataFormat
{
    public string Images { get; } = images;
    public string Labels { get; } = labels;
    public int? PadTo { get; } = padTo;

    public override string Describe() =>
        PadTo is { } size ? $"idx {Images} {Labels} padded to {size}" : $"idx {Images} {Labels}";

    public override DataKind Data => DataKind.Images;
    public override bool Labelled => true;

    public override DataFormat? HeldOut =>
        Images.StartsWith("train-", StringComparison.Ordinal) && Labels.StartsWith("train-", StringComparison.Ordinal)
            ? new IdxFormat("t10k-" + Images[6..], "t10k-" + Labels[6..], PadTo)
            : null;

    public override IResumableBatchSource Open(string path, PixelScaling scaling, long seed, int decodeThreads, Action<string> warn)
    {
        var set = LabelledImages.FromIdx(Path.Combine(path, Images), Path.Combine(path, Labels));
        if (PadTo is { } size)
            using (var original = set)
                set = original.PadTo(size);
        return new ShuffledBatches(set, seed, scaling, true);
    }
}
