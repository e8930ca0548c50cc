using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>numpy's <c>.npy</c> format for the float arrays FID statistics and reference features are exchanged in:
/// little-endian float64 ('&lt;f8') or float32 ('&lt;f4') in C order are read, float64 is written (format 1.0).
/// Everything else is refused with the source's name, since silently misreading statistics would corrupt a score.</summary>
public static partial class Npy
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads one array as float64 values and its shape; <paramref name="source"/> names it in errors.</summary>
    public static (double[] Values, long[] Shape) Read(Stream stream, string source) => Read(stream, source, allowInt64: false);

    internal static (double[] Values, long[] Shape) Read(Stream stream, string source, bool allowInt64)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy reading assumes a little-endian machine");
        var prefix = ReadExactly(stream, 8, source);
        if (!prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"{source}: not a .npy array (the magic string \\x93NUMPY is missing)");
        int major = prefix[6];
        int headerLength = major switch
        {
            1 => BitConverter.ToUInt16(ReadExactly(stream, 2, source)),
            2 or 3 => checked((int)BitConverter.ToUInt32(ReadExactly(stream, 4, source))),
            _ => throw new InvalidDataException($"{source}: .npy format version {major}.{prefix[7]} is not supported (expected 1.0, 2.0 or 3.0)"),
        };
        var header = Encoding.Latin1.GetString(ReadExactly(stream, headerLength, source));
        var descr = HeaderField(DescrPattern(), header, source, "descr");
        if (HeaderField(FortranPattern(), header, source, "fortran_order") != "False")
            throw new InvalidDataException($"{source}: the array is stored in Fortran order; only C order is supported");
        var shape = HeaderField(ShapePattern(), header, source, "shape")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        long count = shape.Aggregate(1L, (a, d) => checked(a * d));
        double[] values;
        switch (descr)
        {
            case "<f8":
                values = new double[count];
                ReadInto(stream, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), source);
                break;
            case "<f4":
                var singles = new float[count];
                ReadInto(stream, System.Runtime.InteropServices.MemoryMarshal.AsBytes(singles.AsSpan()), source);
                values = Array.ConvertAll(singles, v => (double)v);
                break;
            case "<i8" when allowInt64:
                var longs = new long[count];
                ReadInto(stream, System.Runtime.InteropServices.MemoryMarshal.AsBytes(longs.AsSpan()), source);
                values = Array.ConvertAll(longs, v => (double)v);
                break;
            default:
                throw new InvalidDataException($"{source}: dtype '{descr}' is not supported (expected '<f8' or '<f4')");
        }
        return (values, shape);
    }

    /// <summary>Reads a .npy file as a float64 CPU tensor.</summary>
    public static Tensor ReadTensor(string path)
    {
        using var stream = File.OpenRead(path);
        var (values, shape) = Read(stream, path);
        return tensor(values, shape, float64);
    }

    /// <summary>Writes float64 values of the given shape as a format 1.0 .npy array (C order).</summary>
    public static void Write(Stream stream, ReadOnlySpan<double> values, long[] shape) =>
        Write(stream, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values), "<f8", shape);

    /// <summary>Writes a 0-d int64 array (e.g. a sample count).</summary>
    public static void WriteScalar(Stream stream, long value) =>
        Write(stream, BitConverter.GetBytes(value), "<i8", []);

    /// <summary>Writes a tensor as a float64 .npy file.</summary>
    public static void WriteTensor(string path, Tensor values)
    {
        using var stream = File.Create(path);
        using var cpu = values.detach().cpu().to(float64).contiguous();
        Write(stream, cpu.data<double>().ToArray(), cpu.shape);
    }

    static void Write(Stream stream, ReadOnlySpan<byte> data, string descr, long[] shape)
    {
        var dims = shape.Length switch
        {
            0 => "()",
            1 => $"({shape[0]},)",
            _ => "(" + string.Join(", ", shape) + ")",
        };
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
        // numpy pads the header with spaces and a newline so the data starts at a multiple of 64 bytes.
        int total = Magic.Length + 2 + 2 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        var header = dict + new string(' ', padded - total) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(data);
    }

    static string HeaderField(Regex pattern, string header, string source, string field)
    {
        var match = pattern.Match(header);
        if (!match.Success)
            throw new InvalidDataException($"{source}: the .npy header has no readable '{field}' (header: {header.Trim()})");
        return match.Groups[1].Value;
    }

    static byte[] ReadExactly(Stream stream, int count, string source)
    {
        var buffer = new byte[count];
        ReadInto(stream, buffer, source);
        return buffer;
    }

    static void ReadInto(Stream stream, Span<byte> buffer, string source)
    {
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException) { throw new InvalidDataException($"{source}: the .npy data ends early (truncated file)"); }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
