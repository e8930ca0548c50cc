namespace WganGp.Core.Data;

/// <summary>Which of CIFAR-10's distributed versions a folder holds.</summary>
public enum Cifar10Format
{
    /// <summary>Detect it from the files present.</summary>
    Auto,

    /// <summary>cifar-10-batches-bin: data_batch_1.bin … data_batch_5.bin, test_batch.bin (<see cref="CifarBinary"/>).</summary>
    Binary,

    /// <summary>cifar-10-batches-py: pickled data_batch_1 … data_batch_5, test_batch (<see cref="CifarPickle"/>).</summary>
    Python,
}
