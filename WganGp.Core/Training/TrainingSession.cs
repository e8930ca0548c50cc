using System.Diagnostics;
using TorchSharp;
using WganGp.Core.Methods;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>
/// A run's networks, optimisers and step inputs, and its one generator iteration (spec §1): the scheduled learning
/// rate, one generator step when <c>it &gt; 0</c>, then the method's critic steps, each on a fresh real batch and fresh z
/// in its own dispose scope. <see cref="Trainer"/> loops over it and <c>wgangp bench step</c> times it, so the benchmark
/// measures exactly what training does. Disposing it releases the optimisers; the networks belong to the caller.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    readonly TrainConfig config;

    public TrainingState State { get; }

    public StepContext Context { get; }

    /// <summary>How the convolutions of this run's networks are computed on this machine (checked before training).</summary>
    public Numerics.ConvRouteDecision Route { get; }

    /// <summary>Seconds spent inside the method's steps so far (the rest of a loop is the trainer's overhead), without
    /// <see cref="ProbeSeconds"/>.</summary>
    public double StepSeconds { get; private set; }

    /// <summary>Seconds spent so far measuring the critic's input-gradient norm for the log with an extra pass
    /// (<see cref="Methods.CriticStepStats.ProbeSeconds"/>): not training time.</summary>
    public double ProbeSeconds { get; private set; }

    /// <summary>The bf16 check of the networks' convolution shapes on this machine, when the run computes them in bf16
    /// (empty in float32).</summary>
    public IReadOnlyList<Numerics.ConvCheck> Bf16Checks { get; }

    TrainingSession(TrainConfig config, TrainingState state, Numerics.ConvRouteDecision route, IReadOnlyList<Numerics.ConvCheck> bf16Checks)
    {
        this.config = config;
        State = state;
        Route = route;
        Bf16Checks = bf16Checks;
        Context = ContextOf(config, state);
    }

    /// <summary>Decides how the networks' convolution shapes are computed on this machine (a shape wrong even routed
    /// stops here, naming it), seeds torch with the run's seed, builds both networks on the run's device, refuses a
    /// critic the method's constraint cannot train (e.g. batch norm under a gradient penalty) and creates the
    /// optimisers.</summary>
    public static TrainingSession Start(TrainConfig config)
    {
        config.Validate();
        NativeMemory.Configure();
        var shapes = NetworkShapes.Of(config);
        var route = Numerics.ConvRoute.Decide(shapes);
        config.Report?.Invoke(route.Summary);
        if (route.Wrong.Count > 0) throw new InvalidOperationException(route.WrongMessage);
        var bf16 = config.Precision == Numerics.Precision.Bf16Convolutions ? CheckBf16(shapes, config.Report) : [];
        var (method, device) = (config.Method, config.Device);
        torch.manual_seed(config.Seed);
        var generator = config.Generator().to(device);
        var critic = config.Critic().to(device);
        method.Constraint.Validate(critic);

        var generatorParameters = generator.parameters().ToList();
        var criticOptimizer = method.Optimizer.Create(critic.parameters());
        // A generator without parameters (the fixed generator of Figure 1a) takes no generator step.
        // Weight decay is the critic's alone (the paper's appendix B uses it on normalised critics).
        var generatorOptimizer = generatorParameters.Count > 0
            ? (method.Optimizer with { WeightDecay = 0 }).Create(generatorParameters)
            : null;
        return new TrainingSession(config, new TrainingState(generator, critic, generatorOptimizer, criticOptimizer, config.Data), route, bf16);
    }

    /// <summary>Every shape checked in bf16 on this machine before a bf16 run trains; one that is wrong stops it, named.</summary>
    static IReadOnlyList<Numerics.ConvCheck> CheckBf16(IReadOnlyList<Numerics.ConvShape> shapes, Action<string>? report)
    {
        var checks = Numerics.ConvPrecision.Check(shapes);
        var wrong = checks.Where(c => !c.Ok).ToArray();
        if (wrong.Length > 0)
            throw new InvalidOperationException(
                $"bf16 convolutions are wrong on this machine for {wrong.Length} of this run's {checks.Count} shapes (tolerance {Numerics.ConvPrecision.Bf16Tolerance:G2}): " +
                string.Join("; ", wrong.Select(c => c.ToString())) + ". Train in float32 (leave --precision out).");
        var worst = checks.Select(c => c.WorstError).DefaultIfEmpty(0).Max();
        report?.Invoke($"numerics: bf16 convolutions, {checks.Count} shapes checked against float64 (worst relative error {worst:G2})");
        return checks;
    }

    /// <summary>Generator iteration <paramref name="it"/>. <paramref name="logged"/> also measures the critic's input
    /// gradient norm. The statistics are those of the last critic step (its Seconds are left for the caller); a
    /// non-finite critic loss ends the iteration early, for the caller to report as divergence.</summary>
    public IterationStats Iterate(int it, bool logged)
    {
        var (method, generatorOptimizer, criticOptimizer) = (config.Method, State.GeneratorOptimizer, State.CriticOptimizer);
        using var precision = Numerics.ConvPrecision.Use(config.Precision);
        var lr = method.Optimizer.LearningRateAt(it, config.Iterations);
        SetLearningRate(criticOptimizer, lr);
        if (generatorOptimizer is not null) SetLearningRate(generatorOptimizer, lr);

        var generator = new GeneratorStepStats(double.NaN);
        if (it > 0 && generatorOptimizer is not null)
        {
            var started = Stopwatch.GetTimestamp();
            using (NewDisposeScope()) generator = method.GeneratorStep(Context);
            StepSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        CriticStepStats last = default;
        for (int k = 0; k < method.CriticIterations; k++)
        {
            bool lastStep = k == method.CriticIterations - 1;
            var started = Stopwatch.GetTimestamp();
            using (NewDisposeScope()) last = method.CriticStep(Context, record: lastStep, measureGradientNorm: logged && lastStep);
            StepSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds - last.ProbeSeconds;
            ProbeSeconds += last.ProbeSeconds;
            if (!double.IsFinite(last.Loss)) break;
        }

        var extra = last.Extra.Count + generator.Extra.Count == 0 ? StepScalars.None
            : last.Extra.Concat(generator.Extra).ToDictionary(kv => kv.Key, kv => kv.Value);
        return new IterationStats(it, last.Loss, last.CriticGap, last.Penalty, generator.Loss, last.GradientNorm, Seconds: 0)
        {
            CriticLearningRate = criticOptimizer.ParamGroups.First().LearningRate,
            GeneratorLearningRate = generatorOptimizer?.ParamGroups.First().LearningRate ?? double.NaN,
            Extra = extra,
        };
    }

    /// <summary>What a method's step sees: real batches and z on the run's device (z also for a multiple of the batch,
    /// for a method whose generator takes more), and labelled batches when the data has labels. The method decides
    /// what it draws.</summary>
    static StepContext ContextOf(TrainConfig config, TrainingState state)
    {
        var device = config.Device;
        return new StepContext(state.Generator, state.Critic, state.GeneratorOptimizer, state.CriticOptimizer,
            () => config.Data.NextBatch(config.BatchSize).to(device),
            () => randn(config.BatchSize, config.LatentDim, device: device))
        {
            NextLatents = multiple => randn(config.BatchSize * multiple, config.LatentDim, device: device),
            NextLabelledBatch = config.Data is Data.ILabelledBatchSource labelled
                ? () =>
                {
                    var (images, labels) = labelled.NextLabelled(config.BatchSize);
                    return (images.to(device), labels.to(device));
                }
                : null,
        };
    }

    static void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    public void Dispose()
    {
        State.CriticOptimizer.Dispose();
        State.GeneratorOptimizer?.Dispose();
    }
}
