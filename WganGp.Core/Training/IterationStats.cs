namespace WganGp.Core.Training;

/// <summary>One row of the run log: the last critic step of a generator iteration and that iteration's generator loss
/// (NaN at iteration 0, where the code takes no generator step).</summary>
public readonly record struct IterationStats(
    int Iteration, double CriticLoss, double Wasserstein, double Penalty, double GeneratorLoss, double GradientNorm,
    double Seconds)
{
    public bool IsFinite =>
        double.IsFinite(CriticLoss) && double.IsFinite(Penalty) && (double.IsNaN(GeneratorLoss) || double.IsFinite(GeneratorLoss));
}
