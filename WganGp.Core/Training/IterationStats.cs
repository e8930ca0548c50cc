using WganGp.Core.Methods;

namespace WganGp.Core.Training;

/// <summary>One row of the run log: the last critic step of a generator iteration and that iteration's generator loss
/// (NaN at iteration 0, where the code takes no generator step).</summary>
public readonly record struct IterationStats(
    int Iteration, double CriticLoss, double CriticGap, double Penalty, double GeneratorLoss, double GradientNorm,
    double Seconds)
{
    /// <summary>The learning rate the critic's optimiser stepped with in this iteration, read back from its parameter
    /// group (the schedule as it reached the optimiser; not written to the log).</summary>
    public double CriticLearningRate { get; init; } = double.NaN;

    /// <summary>The same for the generator's optimiser; NaN when there is none (a fixed generator).</summary>
    public double GeneratorLearningRate { get; init; } = double.NaN;

    /// <summary>The method's own named scalars of this iteration (its last critic step's and its generator step's);
    /// empty for methods without any.</summary>
    public IReadOnlyDictionary<string, double> Extra { get; init; } = StepScalars.None;

    public bool IsFinite =>
        double.IsFinite(CriticLoss) && double.IsFinite(Penalty) && (double.IsNaN(GeneratorLoss) || double.IsFinite(GeneratorLoss));
}
