namespace WganGp.Core.Numerics;

/// <summary>Whether small-channel convolutions are computed around libtorch's faulty kernels (see <see cref="ConvRoute"/>).</summary>
public enum ConvRouteMode
{
    /// <summary>Probe the known-faulty shapes on this CPU once per process; route when any is wrong (the default).</summary>
    Auto,
    /// <summary>Always route (e.g. to compare, or on a CPU the probe misjudges).</summary>
    On,
    /// <summary>Never route: libtorch's kernels as they are.</summary>
    Off,
}
