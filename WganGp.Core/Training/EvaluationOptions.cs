using WganGp.Core.Metrics;

namespace WganGp.Core.Training;

/// <summary>Scores during training (the paper's Figure 3 curves): every <paramref name="Every"/> generator iterations,
/// <paramref name="SampleCount"/> fresh samples are scored by each scorer and appended to evaluations.csv with the
/// iteration and the training wall-clock. Cheap by default: curves need many points, not precise ones.</summary>
public sealed record EvaluationOptions(int Every, int SampleCount, IReadOnlyList<IScorer> Scorers)
{
    /// <summary>Also score the untrained generator (iteration 0) when a run starts fresh: the fixed point a learning
    /// curve starts from and a "trains" verdict is measured against.</summary>
    public bool AtStart { get; init; } = true;

    public void Validate()
    {
        if (Every < 1) throw new ArgumentException($"EvaluationOptions.Every must be at least 1, got {Every}");
        if (SampleCount < 2) throw new ArgumentException($"EvaluationOptions.SampleCount must be at least 2, got {SampleCount}");
    }
}
