using System.IO.Compression;

namespace WganGp.Core.Data;

/// <summary>The contents of an IDX file: dimension sizes and the unsigned bytes, in row-major order.</summary>
public sealed record IdxArray(int[] Shape, byte[] Data)
{
    public int Count => Shape[0];
}

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (raw or gzip-compressed, detected from the content):
/// two zero bytes, a type byte (0x08 = unsigned byte, the only type these data sets use), the number of dimensions,
/// then each dimension as a big-endian 32-bit integer, then the data. Every malformed input is an
/// <see cref="InvalidDataException"/> that names the file and what was expected.
/// </summary>
public static class IdxFile
{
    const byte UnsignedByte = 0x08;

    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: IDX file not found", path);
        byte[] bytes;
        try { bytes = Decompress(File.ReadAllBytes(path)); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: corrupt gzip stream ({e.Message})", e); }

        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{path}: not an IDX file (magic number {Hex(bytes)}, expected 0x000008NN)");
        if (bytes[2] != UnsignedByte)
            throw new InvalidDataException($"{path}: IDX element type 0x{bytes[2]:x2} is not supported (expected 0x08, unsigned byte)");
        int dims = bytes[3];
        if (dims < 1) throw new InvalidDataException($"{path}: IDX file declares {dims} dimensions (expected at least 1)");
        if (bytes.Length < 4 + 4 * dims)
            throw new InvalidDataException($"{path}: truncated IDX header ({bytes.Length} bytes for {dims} dimensions)");

        var shape = new int[dims];
        long expected = 1;
        for (int d = 0; d < dims; d++)
        {
            int o = 4 + 4 * d;
            shape[d] = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
            if (shape[d] < 0) throw new InvalidDataException($"{path}: dimension {d} has negative size {shape[d]}");
            expected *= shape[d];
        }
        long available = bytes.Length - (4 + 4L * dims);
        if (available != expected)
            throw new InvalidDataException(
                $"{path}: {(available < expected ? "truncated" : "trailing bytes")}: the header [{string.Join(" × ", shape)}] " +
                $"needs {expected} data bytes, the file has {available}");
        return new IdxArray(shape, bytes.AsSpan(4 + 4 * dims).ToArray());
    }

    static byte[] Decompress(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    static string Hex(byte[] b) => "0x" + string.Concat(b.Take(4).Select(x => x.ToString("x2")));
}
