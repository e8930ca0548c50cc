namespace WganGp.Core.Numerics;

/// <summary>What <see cref="ConvRoute"/> decided for a set of convolution shapes (a cell's networks, a grid's for
/// `wgangp doctor`) and what it cost; recorded in every run's settings.json.</summary>
/// <param name="Verdicts">Each shape's verdict (none when the mode was forced).</param>
/// <param name="Checked">Shapes checked now, with <see cref="NumericsCanary"/>.</param>
/// <param name="FromCache">Shapes whose verdict came from this machine's cache (the rest came from this process).</param>
/// <param name="Seconds">The checks' time.</param>
/// <param name="CacheNote">Where this machine's checks are kept, or why they could not be.</param>
public sealed record ConvRouteDecision(
    ConvRouteMode Mode, IReadOnlyList<ConvVerdict> Verdicts, int Checked, int FromCache, double Seconds, string CacheNote)
{
    /// <summary>The shapes the networks compute through the route.</summary>
    public IReadOnlyList<ConvVerdict> Routed => Verdicts.Where(v => v.Route && v.Right).ToArray();

    /// <summary>The shapes computed wrong even routed: nothing may be trained on them.</summary>
    public IReadOnlyList<ConvVerdict> Wrong => Verdicts.Where(v => !v.Right).ToArray();

    /// <summary>One line for the user.</summary>
    public string Summary =>
        Mode switch
        {
            ConvRouteMode.On => $"numerics: the convolution route forced on ({ConvRoute.ModeVariable}=on): padded channel counts and 1×1 convolutions are routed, no shape checked",
            ConvRouteMode.Off => $"numerics: the convolution route forced off ({ConvRoute.ModeVariable}=off): libtorch's kernels as they are, no shape checked",
            _ => $"numerics: {Verdicts.Count} convolution shapes, " +
                 (Routed.Count + Wrong.Count == 0 ? "all right in libtorch on this CPU" : $"{Routed.Count} routed around libtorch's wrong kernels") +
                 (Wrong.Count > 0 ? $", {Wrong.Count} WRONG even routed" : "") +
                 (Checked > 0 ? $" (checked {Checked} in {Seconds:F1} s; {FromCache} from this machine's earlier checks)" :
                     Verdicts.Count > 0 ? $" ({FromCache} from this machine's earlier checks, the rest from this process's)" : ""),
        };

    /// <summary>The error that stops a run whose networks use a shape computed wrong even routed.</summary>
    public string WrongMessage =>
        $"{Wrong.Count} convolution shape(s) of these networks compute wrong numbers on this CPU, even routed: " +
        string.Join("; ", Wrong.Select(v => v.ToString().TrimStart())) +
        ". Training would follow wrong gradients. Restricting oneDNN to AVX2 has made every shape right where tried: " +
        "start the command as `ONEDNN_MAX_CPU_ISA=AVX2 wgangp …` (`wgangp doctor` checks the grids' shapes)";

    /// <summary>The decision when the mode is forced: nothing checked.</summary>
    public static ConvRouteDecision Forced(ConvRouteMode mode) => new(mode, [], 0, 0, 0, "");
}
