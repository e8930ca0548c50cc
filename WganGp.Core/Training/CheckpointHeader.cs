namespace WganGp.Core.Training;

/// <summary>The readable part of a checkpoint: where the run stood and which networks it belongs to.</summary>
public sealed record CheckpointHeader
{
    /// <summary>Generator iterations done; the run continues at this iteration.</summary>
    public int Iteration { get; init; }

    /// <summary>The run's budget (the learning-rate schedule depends on it).</summary>
    public int Iterations { get; init; }

    /// <summary>Seconds spent training so far (evaluation and checkpoint time excluded).</summary>
    public double Seconds { get; init; }

    /// <summary>Bytes of log.csv and evaluations.csv at this point; a resume cuts them back to these lengths.</summary>
    public long LogLength { get; init; }

    public long EvaluationsLength { get; init; }

    /// <summary>Parameter and buffer name → shape of each network, checked before anything is loaded.</summary>
    public Dictionary<string, string> Generator { get; init; } = new();

    public Dictionary<string, string> Critic { get; init; } = new();

    /// <summary>The best value so far of <see cref="CheckpointOptions.BestBy"/>, if any.</summary>
    public double? Best { get; init; }

    public bool HasGeneratorOptimizer { get; init; }

    /// <summary>The data sampler's state (<see cref="DataState"/>), opaque bytes.</summary>
    public byte[] Data { get; init; } = [];
}
