using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

public enum RunStatus { Finished, Diverged }

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
    public void Dispose()
    {
        Generator.Dispose();
        Critic.Dispose();
        Samples?.Dispose();
    }
}
