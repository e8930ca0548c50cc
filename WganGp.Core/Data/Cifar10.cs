namespace WganGp.Core.Data;

/// <summary>CIFAR-10 from a folder of either distributed version, binary or python, detected from its files.</summary>
public static class Cifar10
{
    const string Layouts =
        "expected cifar-10-batches-bin (data_batch_1.bin … data_batch_5.bin, test_batch.bin) " +
        "or cifar-10-batches-py (data_batch_1 … data_batch_5, test_batch)";

    /// <summary>The training or test split as [N, 3, 32, 32] uint8 images and [N] labels, in the given format or the
    /// detected one.</summary>
    public static LabelledImages ReadSplit(string directory, bool train, Cifar10Format format = Cifar10Format.Auto) =>
        (format == Cifar10Format.Auto ? Detect(directory, train) : format) switch
        {
            Cifar10Format.Binary => CifarBinary.ReadSplit(directory, train),
            Cifar10Format.Python => CifarPickle.ReadSplit(directory, train),
            var f => throw new ArgumentOutOfRangeException(nameof(format), f, "unknown CIFAR-10 format"),
        };

    /// <summary>The format of the split's first file present: data_batch_1.bin or test_batch.bin means binary,
    /// data_batch_1 or test_batch python. A folder with both (the archives unpack to separate folders, so someone
    /// merged them) reads as binary, the one that needs no unpickling.</summary>
    public static Cifar10Format Detect(string directory, bool train)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: CIFAR-10 folder not found; {Layouts}");
        var binary = (train ? CifarBinary.TrainFiles : CifarBinary.TestFiles)[0];
        var python = (train ? CifarPickle.TrainFiles : CifarPickle.TestFiles)[0];
        if (File.Exists(Path.Combine(directory, binary))) return Cifar10Format.Binary;
        if (File.Exists(Path.Combine(directory, python))) return Cifar10Format.Python;
        throw new FileNotFoundException($"{directory}: neither {binary} nor {python} found; {Layouts}");
    }
}
