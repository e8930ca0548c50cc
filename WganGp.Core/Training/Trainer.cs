using System.Diagnostics;
using TorchSharp;
using WganGp.Core.Methods;
using WganGp.Core.Numerics;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>
/// The training loop of the paper's code (spec §1): it runs a <see cref="TrainingSession"/>'s generator iterations
/// (the steps, in the method's hands, and the learning-rate schedule), and around them resumes from checkpoints, logs,
/// evaluates, writes sample grids, stops on divergence and writes the run's outputs.
/// </summary>
public static class Trainer
{
    public static TrainResult Run(TrainConfig config, Action<IterationStats>? onIteration = null, CancellationToken cancel = default)
    {
        using var session = TrainingSession.Start(config);
        var (state, device) = (session.State, config.Device);
        var (generator, critic) = (state.Generator, state.Critic);
        var files = config.RunDirectory is null ? null : new RunFiles(config.RunDirectory);

        // Resume from the newest checkpoint, if the run directory has one: networks, optimisers, RNGs, the data
        // sampler and the logs all continue as if the run had never stopped.
        files?.RemoveStaleTemporaries();   // half-written files of a killed run: never read, now removed
        var store = files is not null && config.Checkpoints is not null ? new CheckpointStore(files.Directory) : null;
        var resumed = store?.Latest(config.Report) is var (checkpointPath, saved) ? Resume(config, state, checkpointPath, saved) : null;
        int start = resumed?.Iteration ?? 0;
        double? best = resumed?.Best;

        if (resumed is not null && files is not null) RefuseOtherPrecision(files, config.Precision);
        files?.WriteJson(RunFiles.Settings, Settings(generator, critic, config, session));
        using var outputs = files is null ? null
            : resumed is null ? RunOutputs.Create(files, config.TensorBoard, config.Method.ExtraScalars)
            : RunOutputs.Resume(files, config.TensorBoard, resumed, config.Method.ExtraScalars);
        using var fixedNoise = FixedNoise(config, generator, device);

        // Training seconds exclude evaluation, sample grids, checkpoints and the log's gradient-norm probe (an extra
        // critic pass for methods without a penalty, on logged iterations only), so wall-clock curves compare methods
        // whatever their log's cadence.
        var clock = Stopwatch.StartNew();
        double secondsBefore = resumed?.Seconds ?? 0, asideSeconds = 0;
        double TrainingSeconds() => secondsBefore + clock.Elapsed.TotalSeconds - asideSeconds - session.ProbeSeconds;
        void Aside(Action work)
        {
            var started = Stopwatch.GetTimestamp();
            work();
            asideSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        int? savedAt = resumed?.Iteration;
        void Save(int iteration) => Aside(() =>
        {
            if (store is null || savedAt == iteration) return;
            store.Save(state, Header(config, iteration, TrainingSeconds(), outputs!, best), config.Checkpoints!.Keep);
            savedAt = iteration;
        });

        if (config.Evaluation is { AtStart: true } && start == 0)
            Aside(() => best = Evaluate(config, state, files, outputs, store, 0, TrainingSeconds(), best));

        var status = RunStatus.Finished;
        int done = start;
        try
        {
            for (int it = start; it < config.Iterations; it++)
            {
                cancel.ThrowIfCancellationRequested();
                bool logged = it % config.LogEvery == 0 || it == config.Iterations - 1;
                var stats = session.Iterate(it, logged) with { Seconds = TrainingSeconds() };
                done = it + 1;
                if (logged || !stats.IsFinite)
                {
                    outputs?.Iteration(stats);
                    onIteration?.Invoke(stats);
                }
                if (!stats.IsFinite)
                {
                    status = RunStatus.Diverged;   // a NaN/Inf loss: the run stops and says where
                    break;
                }
                if (config.Evaluation is { } evaluation && done % evaluation.Every == 0)
                    Aside(() => best = Evaluate(config, state, files, outputs, store, done, TrainingSeconds(), best));
                if (fixedNoise is not null && done % config.SampleGridEvery == 0)
                    Aside(() => WriteGrid(config, generator, fixedNoise, outputs!, done));
                if (config.Checkpoints is { } checkpoints && done % checkpoints.Every == 0) Save(done);
            }
        }
        catch (OperationCanceledException)
        {
            Save(done);   // an interrupted run keeps its progress: the rerun resumes here
            throw;
        }
        if (status == RunStatus.Finished) Save(done);
        var loopSeconds = clock.Elapsed.TotalSeconds;

        Tensor? samples = null;
        var scores = new Dictionary<string, double>();
        if (config.SampleCount > 0 && status == RunStatus.Finished)
        {
            samples = Sampler.Sample(generator, config.SampleCount, config.SampleBatchSize ?? config.BatchSize, config.LatentDim, device);
            if (config.SampleText is { } text) files?.WriteSampleText(text(samples));
            else files?.WriteSamples(samples, config.SampleScaling);
            scores = Score(config.Scorers, samples, files);
            files?.WriteJson(RunFiles.Scores, scores);
        }
        var seconds = TrainingSeconds();
        files?.WriteStatus(status, done, seconds,
            status == RunStatus.Diverged ? $"non-finite loss at generator iteration {done - 1}" : null);
        return new TrainResult(status, done, generator, critic, samples, scores, seconds)
        {
            LoopSeconds = loopSeconds,
            StepSeconds = session.StepSeconds,
            ProbeSeconds = session.ProbeSeconds,
            ResumedFrom = resumed?.Iteration,
        };
    }

    static CheckpointHeader Resume(TrainConfig config, TrainingState state, string path, CheckpointHeader saved)
    {
        if (saved.Iterations != config.Iterations)
            throw new InvalidDataException($"{path} was written by a run of {saved.Iterations} generator iterations, but this run has {config.Iterations}: " +
                "the learning-rate schedule would differ; use a fresh run directory");
        var header = Checkpoint.Load(path, state);
        config.Report?.Invoke($"resumed from {Path.GetFileName(path)} at generator iteration {header.Iteration} of {config.Iterations}");
        return header;
    }

    static CheckpointHeader Header(TrainConfig config, int iteration, double seconds, RunOutputs outputs, double? best) => new()
    {
        Iteration = iteration,
        Iterations = config.Iterations,
        Seconds = seconds,
        LogLength = outputs.LogLength,
        EvaluationsLength = outputs.EvaluationsLength,
        Best = best,
    };

    /// <summary>Scores fresh samples drawn from their own seeded generator, so evaluating does not change the training
    /// run's random stream (a run with evaluations trains exactly as one without).</summary>
    static double? Evaluate(TrainConfig config, TrainingState state, RunFiles? files, RunOutputs? outputs, CheckpointStore? store, int iteration,
        double seconds, double? best)
    {
        var evaluation = config.Evaluation!;
        using var noise = new Generator(Seeds.Evaluation(config.Seed, iteration));
        using var samples = Sampler.Sample(state.Generator, evaluation.SampleCount, config.SampleBatchSize ?? config.BatchSize, config.LatentDim, config.Device, noise);
        var scores = Score(evaluation.Scorers, samples, files);
        outputs?.Evaluation(iteration, seconds, scores);
        config.OnEvaluation?.Invoke(iteration, scores);
        if (config.Checkpoints is { BestBy: { } by } checkpoints && scores.TryGetValue(by, out var value) && double.IsFinite(value)
            && (best is null || (checkpoints.HigherIsBetter ? value > best : value < best)))
        {
            if (store is not null && outputs is not null) store.SaveBest(state, Header(config, iteration, seconds, outputs, value));
            return value;
        }
        return best;
    }

    /// <summary>The latent batch every sample grid uses (its own seed, not torch's stream); null when grids are off or
    /// the data are not images.</summary>
    static Tensor? FixedNoise(TrainConfig config, nn.Module<Tensor, Tensor> generator, Device device)
    {
        if (config.SampleGridEvery == 0 || config.RunDirectory is null || config.Data.ItemShape.Length != 3) return null;
        using var noise = new Generator(Seeds.SampleGrid(config.Seed));
        return randn(new long[] { Sampler.GridImages, config.LatentDim }, generator: noise).to(device);
    }

    static void WriteGrid(TrainConfig config, nn.Module<Tensor, Tensor> generator, Tensor z, RunOutputs outputs, int iteration)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var images = Sampler.Generate(generator, z, Sampler.Cycling(z.device));
        outputs.SampleGrid(iteration, images.cpu(), config.SampleScaling);
    }

    /// <summary>Every scorer's scores of the samples; each score's protocol (when its scorer has one) is recorded in
    /// protocol.json beside them, so a table can tell what each number means.</summary>
    static Dictionary<string, double> Score(IEnumerable<Metrics.IScorer> scorers, Tensor samples, RunFiles? files)
    {
        var scores = new Dictionary<string, double>();
        var protocols = new SortedDictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var scorer in scorers)
            foreach (var (name, value) in scorer.Score(samples))
            {
                scores[name] = value;
                if (scorer.Protocol.Count > 0) protocols[name] = scorer.Protocol;
            }
        if (protocols.Count > 0) files?.RecordProtocols(protocols);
        return scores;
    }

    /// <summary>A run resumes only in the precision it was started in (settings.json's numerics.precision; runs from before
    /// the option were float32): continuing it in another would mix two number formats in one curve.</summary>
    static void RefuseOtherPrecision(RunFiles files, Precision precision)
    {
        if (NumericsRecord.RecordedPrecision(files.Directory) is { } recorded && recorded != precision.Name())
            throw new InvalidOperationException(
                $"{files.Directory} was trained with {recorded} convolutions (settings.json) and would resume in {precision.Name()}: " +
                $"resume it with --precision {recorded}, or train the {precision.Name()} run in another results folder");
    }

    /// <summary>settings.json: what the run was computed with — the machine, the numerics, the versions and the networks
    /// as built — never the cell itself (a grid's runs describe their cell once, in cell.json).</summary>
    static Dictionary<string, object> Settings(nn.Module generator, nn.Module critic, TrainConfig c, TrainingSession session) => new()
    {
        ["device"] = c.Device.ToString(),
        ["generator"] = new Dictionary<string, object>
            { ["type"] = generator.GetType().Name, ["parameters"] = generator.parameters().Sum(p => p.numel()) },
        ["critic"] = new Dictionary<string, object>
            { ["type"] = critic.GetType().Name, ["parameters"] = critic.parameters().Sum(p => p.numel()) },
        ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
        ["threads"] = get_num_threads(),
        ["numerics"] = Numerics.NumericsRecord.Describe(session.Route, c.Precision, session.Bf16Checks),
        ["native_memory"] = NativeMemory.Configure(),
    };
}
