using System.Diagnostics;
using TorchSharp;
using WganGp.Core.Methods;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>
/// The training loop of the paper's code (spec §1): at generator iteration <c>it</c>, one generator step if <c>it &gt; 0</c>,
/// then the method's critic steps, each on a fresh real batch and fresh z. The loop only orders steps, schedules the
/// learning rate, logs and stops on divergence; the method owns what a step does. Each step runs in its own dispose
/// scope so native memory stays flat.
/// </summary>
public static class Trainer
{
    public static TrainResult Run(TrainConfig config, Action<IterationStats>? onIteration = null, CancellationToken cancel = default)
    {
        config.Validate();
        var method = config.Method;
        var device = config.Device;
        var files = config.RunDirectory is null ? null : new RunFiles(config.RunDirectory);

        torch.manual_seed(config.Seed);
        var generator = config.Generator().to(device);
        var critic = config.Critic().to(device);
        method.Constraint.Validate(critic);   // e.g. batch norm in a WGAN-GP critic: refused before any step

        var generatorParameters = generator.parameters().ToList();
        using var criticOptimizer = method.Optimizer.Create(critic.parameters());
        // A generator without parameters (the fixed generator of Figure 1a) takes no generator step.
        // Weight decay is the critic's alone (the paper's appendix B uses it on normalised critics).
        using var generatorOptimizer = generatorParameters.Count > 0
            ? (method.Optimizer with { WeightDecay = 0 }).Create(generatorParameters)
            : null;

        var ctx = new StepContext(generator, critic, generatorOptimizer, criticOptimizer,
            () => config.Data.NextBatch(config.BatchSize).to(device),
            () => randn(config.BatchSize, config.LatentDim, device: device))
        {
            NextGeneratorLatent = method.GeneratorBatchMultiple == 1 ? null
                : () => randn(config.BatchSize * method.GeneratorBatchMultiple, config.LatentDim, device: device),
            NextLabelledBatch = config.Data is Data.ILabelledBatchSource labelled
                ? () =>
                {
                    var (images, labels) = labelled.NextLabelled(config.BatchSize);
                    return (images.to(device), labels.to(device));
                }
                : null,
        };

        files?.WriteJson(RunFiles.Settings, Settings(config, generator, critic));
        using var log = files?.OpenLog();
        var clock = Stopwatch.StartNew();
        var status = RunStatus.Finished;
        int done = 0;
        double stepSeconds = 0;

        for (int it = 0; it < config.Iterations; it++)
        {
            cancel.ThrowIfCancellationRequested();
            var lr = method.Optimizer.LearningRateAt(it, config.Iterations);
            SetLearningRate(criticOptimizer, lr);
            if (generatorOptimizer is not null) SetLearningRate(generatorOptimizer, lr);

            bool logged = it % config.LogEvery == 0 || it == config.Iterations - 1;
            double generatorLoss = double.NaN;
            if (it > 0 && generatorOptimizer is not null)
            {
                var started = Stopwatch.GetTimestamp();
                using (NewDisposeScope()) generatorLoss = method.GeneratorStep(ctx);
                stepSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            CriticStepStats last = default;
            for (int k = 0; k < method.CriticIterations; k++)
            {
                bool lastStep = k == method.CriticIterations - 1;
                var started = Stopwatch.GetTimestamp();
                using (NewDisposeScope()) last = method.CriticStep(ctx, record: lastStep, measureGradientNorm: logged && lastStep);
                stepSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (!double.IsFinite(last.Loss)) break;   // reported below as divergence at this iteration
            }

            done = it + 1;
            var stats = new IterationStats(it, last.Loss, last.Wasserstein, last.Penalty, generatorLoss, last.GradientNorm,
                clock.Elapsed.TotalSeconds);
            if (logged || !stats.IsFinite)
            {
                log?.WriteLine(RunFiles.LogRow(stats));
                onIteration?.Invoke(stats);
            }
            if (!stats.IsFinite)
            {
                status = RunStatus.Diverged;   // a NaN/Inf loss: the run stops and says where
                break;
            }
        }
        log?.Flush();
        var loopSeconds = clock.Elapsed.TotalSeconds;

        Tensor? samples = null;
        var scores = new Dictionary<string, double>();
        if (config.SampleCount > 0 && status == RunStatus.Finished)
        {
            samples = Sample(generator, config.SampleCount, config.BatchSize, config.LatentDim, device);
            if (config.SampleText is { } text) files?.WriteSampleText(text(samples));
            else files?.WriteSamples(samples, config.SampleScaling);
            foreach (var scorer in config.Scorers)
                foreach (var (name, value) in scorer.Score(samples)) scores[name] = value;
            files?.WriteJson(RunFiles.Scores, scores);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        files?.WriteStatus(status == RunStatus.Finished ? "finished" : "diverged", done, seconds,
            status == RunStatus.Diverged ? $"non-finite loss at generator iteration {done - 1}" : null);
        return new TrainResult(status, done, generator, critic, samples, scores, seconds)
        {
            LoopSeconds = loopSeconds,
            StepSeconds = stepSeconds,
        };
    }

    /// <summary>n samples from the generator, drawn in batches without gradient, returned on the CPU. Batch norm keeps
    /// using batch statistics, as tflib does when sampling.</summary>
    public static Tensor Sample(nn.Module<Tensor, Tensor> generator, int n, int batchSize, int latentDim, Device device)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (int i = 0; i < n; i += batchSize)
        {
            using var scope = NewDisposeScope();
            var z = randn(Math.Min(batchSize, n - i), latentDim, device: device);
            // A conditional generator samples every class equally often in expectation (uniform labels).
            var images = generator is Nets.IConditionalGenerator { Classes: > 0 } conditional
                ? conditional.Forward(z, randint(conditional.Classes, z.shape[0], dtype: int64, device: device))
                : generator.call(z);
            parts.Add(images.cpu().MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    static void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    static Dictionary<string, object> Settings(TrainConfig c, nn.Module generator, nn.Module critic) => new()
    {
        ["cell"] = c.Description,
        ["method"] = c.Method.Describe(),
        ["data"] = c.Data.Name,
        ["iterations"] = c.Iterations,
        ["batch_size"] = c.BatchSize,
        ["latent_dim"] = c.LatentDim,
        ["seed"] = c.Seed,
        ["device"] = c.Device.ToString(),
        ["sample_count"] = c.SampleCount,
        ["generator"] = new Dictionary<string, object>
            { ["type"] = generator.GetType().Name, ["parameters"] = generator.parameters().Sum(p => p.numel()) },
        ["critic"] = new Dictionary<string, object>
            { ["type"] = critic.GetType().Name, ["parameters"] = critic.parameters().Sum(p => p.numel()) },
        ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
        ["threads"] = get_num_threads(),
    };
}
