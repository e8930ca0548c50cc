namespace WganGp.Core.Training;

/// <summary>When a run saves its state into <c>checkpoints/</c> of its run directory.</summary>
/// <param name="Every">Save after every this many generator iterations (and always at the end).</param>
/// <param name="Keep">How many of the latest checkpoints to keep (older ones are deleted once a newer one is safe).</param>
public sealed record CheckpointOptions(int Every, int Keep = 2)
{
    /// <summary>Also keep <c>best.ckpt</c>: the checkpoint at the evaluation where this score was best so far.</summary>
    public string? BestBy { get; init; }

    /// <summary>Whether a higher <see cref="BestBy"/> is better (Inception score) or lower (FID, energy distance).</summary>
    public bool HigherIsBetter { get; init; }

    public void Validate()
    {
        if (Every < 1) throw new ArgumentException($"CheckpointOptions.Every must be at least 1, got {Every}");
        if (Keep < 1) throw new ArgumentException($"CheckpointOptions.Keep must be at least 1, got {Keep}");
    }
}
