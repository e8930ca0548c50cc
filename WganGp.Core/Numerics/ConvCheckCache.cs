using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WganGp.Core.Numerics;

/// <summary>
/// This machine's convolution checks, kept between processes: a JSON file per machine and check protocol under
/// <c>$WGANGP_CACHE</c> (default <c>$XDG_CACHE_HOME/wgangp</c> or <c>~/.cache/wgangp</c>). The machine is its host name,
/// the CPU's identity (<see cref="CpuFeatures.Identity"/>: the fault differs between machines that report the same
/// flags), TorchSharp's version (which pins libtorch's) and a oneDNN ISA restriction; the protocol is the tolerance and the batch. Entries are
/// only advice to skip a check: an unreadable file is ignored and rewritten, and a file that cannot be written is
/// reported, never fatal.
/// </summary>
public sealed class ConvCheckCache
{
    /// <summary>Environment variable naming the folder of the cache.</summary>
    public const string FolderVariable = "WGANGP_CACHE";

    public string Path { get; }

    readonly Machine machine;

    sealed record Machine(string Host, string Cpu, string Torch, string? OnednnMaxCpuIsa, double Tolerance, long Batch);

    sealed record Contents(Machine Machine, ConvVerdict[] Verdicts);

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,   // an infinite error is a result
    };

    ConvCheckCache(Machine machine)
    {
        this.machine = machine;
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(machine, Json))))[..12].ToLowerInvariant();
        Path = System.IO.Path.Combine(Folder(), $"conv-checks-{key}.json");
    }

    /// <summary>The cache of checks made on this machine with this batch (see <see cref="NumericsCanary.Check"/>).</summary>
    public static ConvCheckCache ForThisMachine(long batch) =>
        new(new Machine(Environment.MachineName, CpuFeatures.Current.Identity, typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?",
            Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA"), NumericsCanary.Tolerance, batch));

    static string Folder()
    {
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } chosen) return chosen;
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return System.IO.Path.Combine(cache, "wgangp");
    }

    /// <summary>The verdicts recorded for this machine; none when the file is absent or unreadable.</summary>
    public IReadOnlyDictionary<ConvShape, ConvVerdict> Load()
    {
        try
        {
            if (!File.Exists(Path)) return new Dictionary<ConvShape, ConvVerdict>();
            var contents = JsonSerializer.Deserialize<Contents>(File.ReadAllText(Path), Json);
            if (contents is null || contents.Machine != machine) return new Dictionary<ConvShape, ConvVerdict>();
            return contents.Verdicts.GroupBy(v => v.Shape).ToDictionary(g => g.Key, g => g.Last());
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new Dictionary<ConvShape, ConvVerdict>();
        }
    }

    /// <summary>Adds <paramref name="verdicts"/> to the file (merged with what another process may have written
    /// meanwhile); null when written, else why not.</summary>
    public string? Save(IEnumerable<ConvVerdict> verdicts)
    {
        try
        {
            var all = Load().ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var v in verdicts) all[v.Shape] = v;
            var ordered = all.Values.OrderBy(v => v.Shape.ToString(), StringComparer.Ordinal).ToArray();
            // Beside it and renamed over it (per process): a reader never sees half a file.
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var temporary = $"{Path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(new Contents(machine, ordered), Json));
            File.Move(temporary, Path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"could not write {Path}: {e.Message}";
        }
    }
}
