using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>What a method's step sees: both networks, their optimisers, and fresh batches on the training device.</summary>
public sealed record StepContext(
    nn.Module<Tensor, Tensor> Generator,
    nn.Module<Tensor, Tensor> Critic,
    optim.Optimizer? GeneratorOptimizer,
    optim.Optimizer CriticOptimizer,
    Func<Tensor> NextRealBatch,
    Func<Tensor> NextLatent);

/// <summary>Scalars of one critic step: total loss (including the penalty), the Wasserstein estimate
/// mean D(x) − mean D(x̃), the penalty term, and the mean input-gradient norm (NaN when not measured).</summary>
public readonly record struct CriticStepStats(double Loss, double Wasserstein, double Penalty, double GradientNorm);

/// <summary>One row of the run log: the last critic step of a generator iteration and that iteration's generator loss
/// (NaN at iteration 0, where the code takes no generator step).</summary>
public readonly record struct IterationStats(
    int Iteration, double CriticLoss, double Wasserstein, double Penalty, double GeneratorLoss, double GradientNorm,
    double Seconds)
{
    public bool IsFinite =>
        double.IsFinite(CriticLoss) && double.IsFinite(Penalty) && (double.IsNaN(GeneratorLoss) || double.IsFinite(GeneratorLoss));
}
