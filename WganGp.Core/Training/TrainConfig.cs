using TorchSharp;
using WganGp.Core.Data;
using WganGp.Core.Methods;
using WganGp.Core.Metrics;
using static TorchSharp.torch;

using WganGp.Core.Numerics;

namespace WganGp.Core.Training;

/// <summary>Everything one training run needs. Networks are factories so they are built after seeding, on the run's device.</summary>
/// <param name="Iterations">Generator iterations, the paper's unit of budget (each holds the method's critic steps).</param>
public sealed record TrainConfig(
    Func<nn.Module<Tensor, Tensor>> Generator,
    Func<nn.Module<Tensor, Tensor>> Critic,
    int LatentDim,
    IBatchSource Data,
    Method Method,
    int Iterations,
    int BatchSize,
    long Seed)
{
    public Device Device { get; init; } = CPU;

    /// <summary>Where settings.json, log.csv, samples and scores go; null for an in-memory run (tests, probes).</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Write a log row every this many generator iterations (also the last one).</summary>
    public int LogEvery { get; init; } = 1;

    /// <summary>Generated samples kept at the end (written to the run directory and scored); 0 for none.</summary>
    public int SampleCount { get; init; }

    /// <summary>How image samples map to pixels when written (the data's scaling: tanh generators [-1, 1]).</summary>
    public PixelScaling SampleScaling { get; init; } = PixelScaling.MinusOneOne;

    /// <summary>Turns samples into text lines (the language model's argmax characters); when set, the samples are
    /// written as samples.txt instead of samples.csv.</summary>
    public Func<Tensor, IReadOnlyList<string>>? SampleText { get; init; }

    /// <summary>Generator batch when sampling for scores and samples (batch norm uses batch statistics, so it matters:
    /// the paper's CIFAR scripts sample in batches of 100); null: <see cref="BatchSize"/>.</summary>
    public int? SampleBatchSize { get; init; }

    public IReadOnlyList<IScorer> Scorers { get; init; } = Array.Empty<IScorer>();

    /// <summary>Checkpoints in the run directory, from which a rerun resumes; null for none.</summary>
    public CheckpointOptions? Checkpoints { get; init; }

    /// <summary>Scores during training (evaluations.csv); null for none.</summary>
    public EvaluationOptions? Evaluation { get; init; }

    /// <summary>Write a grid of samples from a fixed noise batch every this many generator iterations (image data
    /// only); 0 for none.</summary>
    public int SampleGridEvery { get; init; }

    /// <summary>Also write TensorBoard event files (tensorboard/ in the run directory).</summary>
    public bool TensorBoard { get; init; }

    /// <summary>Messages about the run as a whole (resumed from a checkpoint, an unreadable checkpoint skipped).</summary>
    public Action<string>? Report { get; init; }

    /// <summary>Called with the generator iteration and the scores after each evaluation.</summary>
    public Action<int, IReadOnlyDictionary<string, double>>? OnEvaluation { get; init; }

    /// <summary>The number format the convolutions compute in while training (opt-in bf16; recorded in settings.json, and
    /// a run resumes only in the precision it started with).</summary>
    public Numerics.Precision Precision { get; init; } = Numerics.Precision.Float32;

    public void Validate()
    {
        if (ConvPrecision.Unsupported(Precision, Device) is { } why)
            throw new ArgumentException($"precision {Precision.Name()}: {why}; use float32");
        if (Iterations < 1) throw new ArgumentException($"Iterations must be at least 1, got {Iterations}");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1, got {BatchSize}");
        if (LatentDim < 1) throw new ArgumentException($"LatentDim must be at least 1, got {LatentDim}");
        if (LogEvery < 1) throw new ArgumentException($"LogEvery must be at least 1, got {LogEvery}");
        if (SampleGridEvery < 0) throw new ArgumentException($"SampleGridEvery must be at least 0, got {SampleGridEvery}");
        Checkpoints?.Validate();
        Evaluation?.Validate();
        if (Checkpoints is not null && RunDirectory is null) throw new ArgumentException("checkpoints need a RunDirectory");
        if (BatchSize % Method.GeneratorTowers != 0)
            throw new ArgumentException($"method '{Method.Name}': the batch size {BatchSize} does not split into {Method.GeneratorTowers} equal generator towers");
        if (SampleBatchSize is < 1)
            throw new ArgumentException($"SampleBatchSize must be at least 1, got {SampleBatchSize}");
        if (Method.CriticIterations < 1)
            throw new ArgumentException($"method '{Method.Name}': CriticIterations must be at least 1, got {Method.CriticIterations}");
    }
}
