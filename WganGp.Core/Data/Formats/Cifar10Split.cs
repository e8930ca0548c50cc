
using WganGp.Core.Registry;

namespace WganGp.Core.Data.Formats;

/// <summary>CIFAR-10 in either published version (python pickles or binary, detected from the files); the training or
/// the test split, which is the training split's held-out one.</summary>
[Kind("cifar10")]
public sealed class Cifar10Split(bool train) : DataFormat
{
    public bool Train { get; } = train;

    public override string Describe() => Train ? "cifar10 train" : "cifar10 test";

    public override DataKind Data => DataKind.Images;
    public override bool Labelled => true;

    public override DataFormat? HeldOut => Train ? new Cifar10Split(false) : null;

    public override IResumableBatchSource Open(string path, PixelScaling scaling, long seed, int decodeThreads, Action<string> warn) =>
        new ShuffledBatches(Cifar10.ReadSplit(path, Train), seed, scaling, true);
}
