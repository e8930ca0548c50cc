namespace WganGp.Core.Numerics;

/// <summary>The CPU this process runs on: its identity as /proc/cpuinfo gives it (model, family, model number,
/// stepping, microcode, cache size — oneDNN picks kernels by more than the flags, so machines with the same flags may
/// compute differently) and the vector instruction sets that decide which libtorch/oneDNN kernels run.</summary>
public sealed record CpuFeatures(string Model, string Isa, IReadOnlyList<string> VectorFlags)
{
    static readonly string[] Ranked = ["avx512f", "avx2", "avx", "sse4_2"];

    public string Family { get; init; } = "unknown";

    public string ModelNumber { get; init; } = "unknown";

    public string Stepping { get; init; } = "unknown";

    /// <summary>The microcode revision, where the kernel shows it.</summary>
    public string Microcode { get; init; } = "unknown";

    public string CacheSize { get; init; } = "unknown";

    /// <summary>This machine's, from /proc/cpuinfo (Linux); "unknown" elsewhere.</summary>
    public static CpuFeatures Current { get; } = Read();

    /// <summary>Everything that identifies the CPU, in one line (the key of this machine's convolution checks).</summary>
    public string Identity => $"{Model} | family {Family} model {ModelNumber} stepping {Stepping} | microcode {Microcode} | cache {CacheSize} | {string.Join(' ', VectorFlags)}";

    static CpuFeatures Read()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return new CpuFeatures("unknown", "unknown", []);
        var fields = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Trim().Length == 0) break;   // the first processor's block describes them all
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        string Field(string key) => fields.TryGetValue(key, out var v) && v.Length > 0 ? v : "unknown";
        var flags = Field("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var isa = Ranked.FirstOrDefault(flags.Contains) ?? "baseline";
        var vector = flags.Where(f => f.StartsWith("avx", StringComparison.Ordinal) || f.StartsWith("amx", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        return new CpuFeatures(Field("model name"), isa == "avx512f" ? "avx512" : isa, vector)
        {
            Family = Field("cpu family"), ModelNumber = Field("model"), Stepping = Field("stepping"), Microcode = Field("microcode"),
            CacheSize = Field("cache size"),
        };
    }
}
