namespace WganGp.Core.Numerics;

/// <summary>What a run's numbers were computed with, for its settings.json: the CPU (its identity and instruction
/// sets), a oneDNN ISA restriction if the environment set one, and the convolution route: each convolution shape of
/// the run's networks with its verdict on this machine.</summary>
public static class NumericsRecord
{
    public static Dictionary<string, object?> Describe(ConvRouteDecision route)
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
}
