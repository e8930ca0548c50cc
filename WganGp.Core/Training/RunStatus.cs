namespace WganGp.Core.Training;

/// <summary>What a run directory's status.json says of its run: the one status type its writers (the trainer, the
/// runner recording a failed cell) and its readers (tables, verdicts, resume) share.</summary>
public enum RunStatus
{
    /// <summary>Trained its whole budget and wrote its samples and scores: a result.</summary>
    Finished,

    /// <summary>Stopped at a non-finite loss: a result too (the method failed on this cell), never retried.</summary>
    Diverged,

    /// <summary>An error stopped it (bad data, a refused network); a rerun tries it again.</summary>
    Failed,

    /// <summary>No status.json yet: in progress, or killed before it could write one; a rerun resumes it.</summary>
    Running,
}

/// <summary>The words status.json uses for each <see cref="RunStatus"/>.</summary>
public static class RunStatusText
{
    public static string ToText(this RunStatus status) => status switch
    {
        RunStatus.Finished => "finished",
        RunStatus.Diverged => "diverged",
        RunStatus.Failed => "failed",
        RunStatus.Running => "running",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The status a word names; null for a word that names none.</summary>
    public static RunStatus? TryParse(string? text) => text switch
    {
        "finished" => RunStatus.Finished,
        "diverged" => RunStatus.Diverged,
        "failed" => RunStatus.Failed,
        "running" => RunStatus.Running,
        _ => null,
    };

    /// <summary>Results a rerun keeps (finished and diverged runs); failed and unfinished ones are run again.</summary>
    public static bool IsDone(this RunStatus status) => status is RunStatus.Finished or RunStatus.Diverged;
}
