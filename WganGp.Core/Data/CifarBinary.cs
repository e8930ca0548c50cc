using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>
/// CIFAR-10's binary version: files data_batch_1.bin … data_batch_5.bin and test_batch.bin, each a sequence of
/// 3,073-byte records: one label byte (0–9), then the 32 × 32 red plane, the green plane and the blue plane, each row-major.
/// </summary>
public static class CifarBinary
{
    const int Side = 32, Planes = 3, ImageBytes = Planes * Side * Side, RecordBytes = 1 + ImageBytes, Classes = 10;

    public static readonly string[] TrainFiles = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray();
    public static readonly string[] TestFiles = { "test_batch.bin" };

    /// <summary>The training (data_batch_1..5.bin) or test (test_batch.bin) split from a cifar-10-batches-bin folder.</summary>
    public static LabelledImages ReadSplit(string directory, bool train)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: CIFAR-10 folder not found");
        return Read((train ? TrainFiles : TestFiles).Select(f => Path.Combine(directory, f)).ToArray());
    }

    /// <summary>The records of the given files, in order, as [N, 3, 32, 32] uint8 images and [N] labels.</summary>
    public static LabelledImages Read(params string[] files)
    {
        if (files.Length == 0) throw new ArgumentException("no CIFAR-10 files given");
        var images = new List<byte>();
        var labels = new List<byte>();
        foreach (var path in files)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: CIFAR-10 batch file not found", path);
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == 0 || bytes.Length % RecordBytes != 0)
                throw new InvalidDataException(
                    $"{path}: {bytes.Length} bytes is not a whole number of {RecordBytes}-byte records (label + 3 × 32 × 32)");
            for (int offset = 0, record = 0; offset < bytes.Length; offset += RecordBytes, record++)
            {
                if (bytes[offset] >= Classes)
                    throw new InvalidDataException($"{path}: record {record} has label {bytes[offset]}, expected 0..{Classes - 1}");
                labels.Add(bytes[offset]);
                images.AddRange(new ArraySegment<byte>(bytes, offset + 1, ImageBytes));
            }
        }
        var pixels = tensor(images.ToArray(), dtype: ScalarType.Byte).reshape(labels.Count, Planes, Side, Side);
        var classes = tensor(labels.ToArray(), dtype: ScalarType.Byte).to(int64);
        return new LabelledImages(Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(files[0]))) ?? "cifar10", pixels, classes);
    }
}
