namespace WganGp.Core.Numerics;

/// <summary>The CPU's model and the vector instruction sets that decide which libtorch/oneDNN kernels run.</summary>
public sealed record CpuFeatures(string Model, string Isa, IReadOnlyList<string> VectorFlags)
{
    static readonly string[] Ranked = ["avx512f", "avx2", "avx", "sse4_2"];

    /// <summary>This machine's, from /proc/cpuinfo (Linux); "unknown" elsewhere.</summary>
    public static CpuFeatures Current { get; } = Read();

    static CpuFeatures Read()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return new CpuFeatures("unknown", "unknown", []);
        string model = "unknown";
        string[] flags = [];
        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "model name" && model == "unknown") model = value;
            else if (key == "flags" && flags.Length == 0) flags = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (model != "unknown" && flags.Length > 0) break;
        }
        var isa = Ranked.FirstOrDefault(flags.Contains) ?? "baseline";
        var vector = flags.Where(f => f.StartsWith("avx", StringComparison.Ordinal) || f.StartsWith("amx", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        return new CpuFeatures(model, isa == "avx512f" ? "avx512" : isa, vector);
    }
}
