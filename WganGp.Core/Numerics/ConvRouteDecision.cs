namespace WganGp.Core.Numerics;

/// <summary>What <see cref="ConvRoute"/> decided for this process and why; recorded with every run.</summary>
/// <param name="WrongShapes">The probe's shapes that were wrong unrouted (empty when the mode was forced).</param>
public sealed record ConvRouteDecision(ConvRouteMode Mode, bool Active, IReadOnlyList<ConvShape> WrongShapes, string Reason)
{
    /// <summary>One line for the user, said once per process when the route is active.</summary>
    public string Announcement =>
        $"numerics: {Reason}; convolutions with other channel counts than 16 or multiples of {ConvRoute.ChannelBlock} are " +
        $"computed with zero-padded channels ({ConvRoute.ModeVariable}=off disables this; `wgangp doctor` checks every shape the grids use)";
}
