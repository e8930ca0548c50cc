using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>The outcome of a run. The caller owns (and disposes) the networks and the samples.</summary>
public sealed record TrainResult(
    RunStatus Status,
    int Iterations,
    nn.Module<Tensor, Tensor> Generator,
    nn.Module<Tensor, Tensor> Critic,
    Tensor? Samples,
    IReadOnlyDictionary<string, double> Scores,
    double Seconds) : IDisposable
{
    /// <summary>Seconds of the iteration loop, and of them the seconds inside the method's steps: the rest is the
    /// trainer's own work (learning-rate schedule, logging, bookkeeping), its overhead.</summary>
    public double LoopSeconds { get; init; }

    public double StepSeconds { get; init; }

    /// <summary>Seconds of the log's gradient-norm probe (an extra critic pass on logged iterations of methods without
    /// a penalty), left out of <see cref="Seconds"/> and <see cref="StepSeconds"/>; inside <see cref="LoopSeconds"/>.</summary>
    public double ProbeSeconds { get; init; }

    /// <summary>The generator iteration this run resumed from (its checkpoint), or null for a run from the start.</summary>
    public int? ResumedFrom { get; init; }

    public void Dispose()
    {
        Generator.Dispose();
        Critic.Dispose();
        Samples?.Dispose();
    }
}
