using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>What a method's step sees: both networks, their optimisers, and fresh batches on the training device.</summary>
public sealed record StepContext(
    nn.Module<Tensor, Tensor> Generator,
    nn.Module<Tensor, Tensor> Critic,
    optim.Optimizer? GeneratorOptimizer,
    optim.Optimizer CriticOptimizer,
    Func<Tensor> NextRealBatch,
    Func<Tensor> NextLatent)
{
    /// <summary>z for a multiple of the batch size, for a method whose generator steps take a larger batch
    /// (<see cref="Method.GeneratorBatchMultiple"/>: gan_cifar_resnet.py trains G on 128 while the critic sees
    /// 64); null when the context draws z of the batch size only.</summary>
    public Func<int, Tensor>? NextLatents { get; init; }

    /// <summary>Real images with their labels, for conditional methods; null when the data has no labels.</summary>
    public Func<(Tensor Images, Tensor Labels)>? NextLabelledBatch { get; init; }
}

/// <summary>Scalars of one critic step: total loss (including the penalty), the critic's gap mean D(x) − mean D(x̃)
/// (the Wasserstein estimate for a Wasserstein critic; for DCGAN and LSGAN only the gap of their logits or outputs), the
/// penalty term, and the mean input-gradient norm (NaN when not measured); and the method's
/// own named scalars (<see cref="Method.ExtraScalars"/>), e.g. AC-WGAN-GP's class loss.</summary>
public readonly record struct CriticStepStats(double Loss, double CriticGap, double Penalty, double GradientNorm)
{
    public IReadOnlyDictionary<string, double> Extra { get; init; } = StepScalars.None;

    /// <summary>Seconds spent measuring <see cref="GradientNorm"/> with an extra pass of the critic (methods without a
    /// penalty, on logged steps): a diagnostic for the log, not training, so the training clock leaves it out.</summary>
    public double ProbeSeconds { get; init; }
}

/// <summary>Scalars of one generator step: its loss and the method's own named scalars.</summary>
public readonly record struct GeneratorStepStats(double Loss)
{
    public IReadOnlyDictionary<string, double> Extra { get; init; } = StepScalars.None;
}

public static class StepScalars
{
    public static readonly IReadOnlyDictionary<string, double> None = new Dictionary<string, double>();
}
