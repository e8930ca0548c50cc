namespace WganGp.Core.Numerics;

/// <summary>One shape checked by <see cref="NumericsCanary"/>: the worst relative errors (float32 against float64) over
/// its trials of the forward, the input gradient, and the parameter gradients of a penalty-style objective (which runs
/// the double backward); <see cref="double.PositiveInfinity"/> for a non-finite float32 result.</summary>
public sealed record ConvCheck(ConvShape Shape, bool Routed, int Trials, int WrongTrials, double Forward, double InputGradient,
    double ParameterGradients)
{
    public bool Ok => WrongTrials == 0;

    /// <summary>The largest of the three errors.</summary>
    public double WorstError => Math.Max(Forward, Math.Max(InputGradient, ParameterGradients));

    public override string ToString() =>
        $"{(Ok ? "ok   " : "WRONG")} {Shape}{(Routed ? " (routed)" : "")}: relative error forward {Forward:G2}, " +
        $"input gradient {InputGradient:G2}, parameter gradients {ParameterGradients:G2} ({WrongTrials} of {Trials} trials wrong)";
}
