using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>
/// CIFAR-10's python version (cifar-10-batches-py, the one the paper's code reads): files data_batch_1 … data_batch_5 and
/// test_batch, each a pickled dict whose 'data' is a uint8 numpy array [N, 3072] (per row the 32 × 32 red plane, then
/// green, then blue, each row-major) and whose 'labels' is a list of N ints 0–9. Reads the Python 2 cPickle originals and
/// Python 3 re-saves (protocol 2 to 5, numpy 1 or 2, str or bytes keys); every malformed input is an exception naming
/// the file and what was expected.
/// </summary>
public static class CifarPickle
{
    const int Side = 32, Planes = 3, ImageBytes = Planes * Side * Side, Classes = 10;
    const string Expected = "a pickled dict with 'data' (uint8 array [N, 3072]) and 'labels' (N ints 0..9)";

    public static readonly string[] TrainFiles = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}").ToArray();
    public static readonly string[] TestFiles = { "test_batch" };

    /// <summary>The training (data_batch_1..5) or test (test_batch) split from a cifar-10-batches-py folder.</summary>
    public static LabelledImages ReadSplit(string directory, bool train)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: CIFAR-10 folder not found");
        return Read((train ? TrainFiles : TestFiles).Select(f => Path.Combine(directory, f)).ToArray());
    }

    /// <summary>The records of the given files, in order, as [N, 3, 32, 32] uint8 images and [N] labels.</summary>
    public static LabelledImages Read(params string[] files)
    {
        if (files.Length == 0) throw new ArgumentException("no CIFAR-10 files given");
        var batches = files.Select(ReadBatch).ToList();
        var images = new byte[batches.Sum(b => (long)b.Images.Length)];
        long offset = 0;
        foreach (var b in batches)
        {
            b.Images.CopyTo(images, offset);
            offset += b.Images.Length;
        }
        var labels = batches.SelectMany(b => b.Labels).ToArray();
        var pixels = tensor(images, dtype: ScalarType.Byte).reshape(labels.Length, Planes, Side, Side);
        var classes = tensor(labels, dtype: ScalarType.Byte).to(int64);
        return new LabelledImages(Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(files[0]))) ?? "cifar10", pixels, classes);
    }

    /// <summary>One batch file's rows (the array's bytes: C order makes them the records) and labels, checked.</summary>
    static (byte[] Images, byte[] Labels) ReadBatch(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: CIFAR-10 batch file not found", path);
        var batch = Unpickle(path, File.ReadAllBytes(path)) as Hashtable
                    ?? throw new InvalidDataException($"{path}: the pickle holds no dict; expected {Expected}");
        var entries = new Dictionary<string, object?>();
        foreach (DictionaryEntry e in batch)
            if (NumpyPickle.Text(e.Key) is { } key) entries[key] = e.Value; // keys are str or bytes, as the writer had them

        if (!entries.TryGetValue("data", out var dataValue))
            throw new InvalidDataException($"{path}: no 'data' key (keys: {string.Join(", ", entries.Keys)}); expected {Expected}");
        if (!entries.TryGetValue("labels", out var labelsValue))
            throw new InvalidDataException($"{path}: no 'labels' key (keys: {string.Join(", ", entries.Keys)}); expected {Expected}");

        var data = NumpyPickle.AsArray(dataValue)
                   ?? throw new InvalidDataException($"{path}: 'data' is {Describe(dataValue)}, expected a numpy uint8 array [N, {ImageBytes}]");
        if (data.Dtype != "u1")
            throw new InvalidDataException($"{path}: 'data' has dtype {data.Dtype}, expected uint8 (u1)");
        if (data.Shape is not [var rows, ImageBytes])
            throw new InvalidDataException($"{path}: 'data' has shape [{string.Join(", ", data.Shape)}], expected [N, {ImageBytes}] (3 × 32 × 32)");
        if (data.Fortran && rows > 1)
            throw new InvalidDataException($"{path}: 'data' is stored in Fortran (column-major) order, expected C order");
        if (data.Data.LongLength % ImageBytes != 0 || data.Data.LongLength / ImageBytes != rows) // no rows × 3072 overflow
            throw new InvalidDataException($"{path}: 'data' holds {data.Data.LongLength} bytes, not the {rows} × {ImageBytes} its shape says");

        if (labelsValue is not ArrayList list)
            throw new InvalidDataException($"{path}: 'labels' is {Describe(labelsValue)}, expected a list of ints 0..{Classes - 1}");
        if (list.Count != rows)
            throw new InvalidDataException($"{path}: {list.Count} labels for the {rows} rows of 'data'");
        var labels = new byte[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            if (NumpyPickle.Integer(list[i]) is not { } label || label < 0 || label >= Classes)
                throw new InvalidDataException($"{path}: label {i} is {Describe(list[i])}, expected an int 0..{Classes - 1}");
            labels[i] = (byte)label;
        }
        return (data.Data, labels);
    }

    static object? Unpickle(string path, byte[] bytes)
    {
        if (bytes.Length == 0) throw new InvalidDataException($"{path}: empty file; expected {Expected}");
        try
        {
            return NumpyPickle.Load(bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The unpickler reports bad input with whatever exception it meets (cast, index, its own PickleException).
            // Protocol 2+ pickles, which is what every known CIFAR-10 writer produced, start with PROTO (0x80).
            var what = bytes[0] != 0x80 ? $"not a pickle (first byte 0x{bytes[0]:x2}, expected 0x80, the protocol 2+ header)"
                : e is IndexOutOfRangeException or ArgumentOutOfRangeException ? "truncated or corrupt pickle (it ends before its STOP opcode)"
                : "corrupt pickle";
            throw new InvalidDataException($"{path}: {what} [{e.GetType().Name}: {e.Message}]; expected {Expected}", e);
        }
    }

    static string Describe(object? value) => value switch
    {
        null => "None",
        long or int => $"{value}",
        string s => $"a str '{(s.Length > 20 ? s[..20] + "…" : s)}'",
        byte[] => "a bytes string",
        ArrayList => "a list",
        object[] => "a tuple",
        Hashtable => "a dict",
        _ => NumpyPickle.Kind(value) ?? $"a {value.GetType().Name}",
    };
}
