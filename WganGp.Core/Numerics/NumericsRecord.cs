namespace WganGp.Core.Numerics;

/// <summary>What a run's numbers were computed with, for its settings.json: the CPU (its identity and instruction
/// sets), a oneDNN ISA restriction if the environment set one, and the convolution route: each convolution shape of
/// the run's networks with its verdict on this machine; and the precision the convolutions computed in (with the bf16
/// check of each shape when not float32).</summary>
public static class NumericsRecord
{
    public static Dictionary<string, object?> Describe(ConvRouteDecision route, Precision precision = Precision.Float32, IReadOnlyList<ConvCheck>? bf16Checks = null)
    {
        var cpu = CpuFeatures.Current;
        return new Dictionary<string, object?>
        {
            ["cpu"] = cpu.Model,
            ["cpu_family"] = cpu.Family,
            ["cpu_model"] = cpu.ModelNumber,
            ["cpu_stepping"] = cpu.Stepping,
            ["microcode"] = cpu.Microcode,
            ["cache_size"] = cpu.CacheSize,
            ["isa"] = cpu.Isa,
            ["vector_flags"] = string.Join(' ', cpu.VectorFlags),
            ["onednn_max_cpu_isa"] = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA"),
            ["precision"] = precision.Name(),
            ["bf16_checks"] = bf16Checks is { Count: > 0 }
                ? bf16Checks.Select(c => new Dictionary<string, object?> { ["shape"] = c.Shape.ToString(), ["error"] = Finite(c.WorstError) }).ToArray()
                : null,
            ["conv_route"] = new Dictionary<string, object?>
            {
                ["mode"] = route.Mode.ToString().ToLowerInvariant(),
                ["summary"] = route.Summary,
                ["routed"] = route.Routed.Count,
                ["checked_now"] = route.Checked,
                ["from_cache"] = route.FromCache,
                ["check_seconds"] = Math.Round(route.Seconds, 3),
                ["shapes"] = route.Verdicts.Select(v => new Dictionary<string, object?>
                {
                    ["shape"] = v.Shape.ToString(),
                    ["verdict"] = v.Word,
                    ["error"] = Finite(v.Unrouted.WorstError),
                    ["routed_error"] = v.Routed is { } r ? Finite(r.WorstError) : null,
                }).ToArray(),
            },
        };
    }

    /// <summary>JSON has no infinity: a non-finite error is written as the word.</summary>
    static object Finite(double error) => double.IsFinite(error) ? error : "non-finite";

    /// <summary>The precision a run directory's settings.json records (a run from before the option: float32); null when
    /// it has none (the run never started).</summary>
    public static string? RecordedPrecision(string runDirectory)
    {
        var path = Path.Combine(runDirectory, Training.RunFiles.Settings);
        if (!File.Exists(path)) return null;
        using var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        return settings.RootElement.TryGetProperty("numerics", out var numerics)
               && numerics.TryGetProperty("precision", out var p) && p.ValueKind == System.Text.Json.JsonValueKind.String
            ? p.GetString()!
            : Precision.Float32.Name();
    }
}
