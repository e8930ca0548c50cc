namespace WganGp.Core.Numerics;

/// <summary>The number format a run's convolutions compute in while it trains. Everything else (normalisers,
/// nonlinearities, losses, the penalty's norm, the optimisers and the weights themselves) stays float32, and sampling
/// and scoring always run in float32.</summary>
public enum Precision
{
    /// <summary>float32 throughout (the default, and what every published number was computed with).</summary>
    Float32,

    /// <summary>2-D convolutions and transposed convolutions in bfloat16 with float32 weights, inputs and outputs (cast
    /// in and out around each, so gradients reach the float32 weights); oneDNN accumulates in float32. Opt-in: it
    /// changes the numbers a run computes.</summary>
    Bf16Convolutions,
}

public static class PrecisionNames
{
    /// <summary>The name written in settings.json and taken by `--precision`.</summary>
    public static string Name(this Precision precision) => precision switch
    {
        Precision.Bf16Convolutions => "bf16",
        _ => "float32",
    };

    public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<Precision>().Select(p => p.Name())];

    /// <summary>The precision named <paramref name="name"/> (case and surrounding spaces ignored), if any.</summary>
    public static bool TryParse(string name, out Precision precision)
    {
        var wanted = name.Trim().ToLowerInvariant();
        foreach (var p in Enum.GetValues<Precision>())
            if (p.Name() == wanted) { precision = p; return true; }
        precision = default;
        return false;
    }

    /// <summary>The precision named <paramref name="name"/>; an unknown name is an error naming it and the choices.</summary>
    public static Precision Parse(string name) =>
        TryParse(name, out var precision) ? precision
            : throw new ArgumentException($"precision '{name}': expected one of {string.Join(", ", All)}");
}
