using System.Collections;
using System.Numerics;
using Razorvine.Pickle;

namespace WganGp.Core.Data;

/// <summary>A numpy array as a pickle described it, its parts checked for type (not yet for meaning).</summary>
/// <param name="Dtype">numpy's dtype string without byte order, e.g. "u1" for uint8, "i4" for int32.</param>
/// <param name="Data">The element bytes, C or Fortran order as <paramref name="Fortran"/> says.</param>
internal sealed record NumpyArray(string Dtype, long[] Shape, bool Fortran, byte[] Data);

/// <summary>
/// Unpickles with Razorvine.Pickle, turning numpy arrays into <see cref="NumpyArray"/>s. The globals numpy's pickles name
/// get stand-ins that only record their arguments and state (never running anything), across the writers in use:
/// numpy.core.multiarray._reconstruct + BUILD (numpy 1, any protocol; numpy._core.multiarray in numpy 2),
/// numpy.core.numeric._frombuffer (protocol 5), numpy.dtype + BUILD. Byte strings arrive as Python 2 str (a string of
/// chars 0–255), BINBYTES, or _codecs.encode(str, 'latin1') (Python 3 at protocol 2); all become byte[].
/// </summary>
internal static class NumpyPickle
{
    static NumpyPickle()
    {
        // Razorvine keeps its constructors in one process-wide table; the static constructor registers ours once.
        foreach (var module in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
            Unpickler.registerConstructor(module, "_reconstruct", new Constructor(_ => new ArrayStandIn()));
        foreach (var module in new[] { "numpy.core.numeric", "numpy._core.numeric" })
            Unpickler.registerConstructor(module, "_frombuffer", new Constructor(args => ArrayStandIn.FromBuffer(args)));
        Unpickler.registerConstructor("numpy", "dtype", new Constructor(args => new DtypeStandIn(args)));
        // Razorvine's own _codecs.encode asks Encoding.GetEncoding for the codec by name; latin1 is the only one pickle
        // writes, so decode it here without depending on which encoding names the runtime knows.
        Unpickler.registerConstructor("_codecs", "encode", new Constructor(Latin1Encode));
    }

    /// <summary>The unpickled object graph: dicts as <see cref="Hashtable"/>, lists as <see cref="ArrayList"/>, tuples as
    /// object[], str as string, bytes as byte[], numpy arrays as stand-ins that <see cref="AsArray"/> reads. Malformed
    /// input throws whatever the unpickler throws.</summary>
    public static object? Load(byte[] pickle)
    {
        using var unpickler = new Unpickler();
        return unpickler.loads(pickle);
    }

    /// <summary>An unpickled value as a numpy array; null when it is not one or its parts have unexpected types.</summary>
    // Only values asked for are converted: walking the whole graph could recurse forever on a pickle with a cycle.
    public static NumpyArray? AsArray(object? value) => (value as ArrayStandIn)?.ToArray();

    /// <summary>What a stand-in is, for error messages; null for anything else.</summary>
    public static string? Kind(object? value) => value switch
    {
        ArrayStandIn => "a numpy array whose shape, dtype or data could not be read",
        DtypeStandIn => "a numpy dtype",
        _ => null,
    };

    /// <summary>The bytes of a Python byte string: byte[], or a Python 2 str (one char per byte); null for anything else.</summary>
    public static byte[]? Bytes(object? value)
    {
        switch (value)
        {
            case byte[] b: return b;
            case string s:
                var bytes = new byte[s.Length];
                for (int i = 0; i < s.Length; i++)
                {
                    if (s[i] > 0xff) return null;
                    bytes[i] = (byte)s[i];
                }
                return bytes;
            default: return null;
        }
    }

    /// <summary>Text of a str or a byte string (latin-1), e.g. a dict key; null for anything else.</summary>
    public static string? Text(object? value) => value switch
    {
        string s => s,
        byte[] b => System.Text.Encoding.Latin1.GetString(b),
        _ => null,
    };

    /// <summary>A Python int as long; null for anything else (bool included) or one out of range.</summary>
    public static long? Integer(object? value) => value switch
    {
        int i => i,
        long l => l,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        _ => null,
    };

    // Other codecs (never seen from pickle itself) go to Razorvine's constructor, as before the override.
    static object Latin1Encode(object[] args) =>
        args is [string s, string codec] && codec.Replace("-", "").Replace("_", "").ToLowerInvariant() is "latin1" or "iso88591"
            ? Bytes(s) ?? throw new PickleException("_codecs.encode: text has characters outside latin-1")
            : new Razorvine.Pickle.Objects.ByteArrayConstructor().construct(args);

    sealed class Constructor(Func<object[], object> make) : IObjectConstructor
    {
        public object construct(object[] args) => make(args);
    }

    /// <summary>numpy.dtype(name, align, copy); BUILD state (version, byte order, …).</summary>
    sealed class DtypeStandIn(object[] args)
    {
        public string? Name { get; } = args.Length > 0 ? Text(args[0]) : null;

        // Razorvine's BUILD calls a public __setstate__ by reflection; the state (byte order, fields) is not needed
        // because Name already says the element type and size.
        public void __setstate__(object[] state) { }
    }

    /// <summary>An ndarray from _reconstruct (filled in by BUILD) or from _frombuffer.</summary>
    sealed class ArrayStandIn
    {
        object? shape, dtype, fortran, data;

        public static ArrayStandIn FromBuffer(object[] args) =>
            // _frombuffer(buffer, dtype, shape, order)
            args.Length == 4
                ? new ArrayStandIn { data = args[0], dtype = args[1], shape = args[2], fortran = Text(args[3]) == "F" }
                : new ArrayStandIn();

        // ndarray.__setstate__: (version, shape, dtype, is_fortran, rawdata), or without the version (oldest numpy).
        public void __setstate__(object[] state)
        {
            var s = state.Length == 5 ? state[1..] : state;
            if (s.Length != 4) return;
            (shape, dtype, fortran, data) = (s[0], s[1], s[2], s[3]);
        }

        public NumpyArray? ToArray()
        {
            if (dtype is not DtypeStandIn { Name: { } name } || shape is not object[] dims || Bytes(data) is not { } bytes) return null;
            var sizes = dims.Select(Integer).ToArray();
            if (sizes.Any(d => d is null or < 0)) return null;
            bool? isFortran = fortran switch { bool b => b, int i => i != 0, _ => null };
            return isFortran is { } f ? new NumpyArray(name, sizes.Select(d => d!.Value).ToArray(), f, bytes) : null;
        }
    }
}
