namespace WganGp.Core.Numerics;

/// <summary>What a run's numbers were computed with, for its settings.json: the CPU's instruction sets, a oneDNN ISA
/// restriction if the environment set one, and the convolution route.</summary>
public static class NumericsRecord
{
    public static Dictionary<string, object?> Describe()
    {
        var cpu = CpuFeatures.Current;
        var route = ConvRoute.Decision;
        return new Dictionary<string, object?>
        {
            ["cpu"] = cpu.Model,
            ["isa"] = cpu.Isa,
            ["vector_flags"] = string.Join(' ', cpu.VectorFlags),
            ["onednn_max_cpu_isa"] = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA"),
            ["conv_route"] = new Dictionary<string, object?>
            {
                ["mode"] = route.Mode.ToString().ToLowerInvariant(),
                ["active"] = route.Active,
                ["reason"] = route.Reason,
                ["wrong_unrouted"] = route.WrongShapes.Select(s => s.ToString()).ToArray(),
            },
        };
    }
}
