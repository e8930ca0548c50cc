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

    /// <summary>Seconds spent inside the method's steps so far (the rest of a loop is the trainer's overhead).</summary>
    public double StepSeconds { get; private set; }

    TrainingSession(TrainConfig config, TrainingState state, Numerics.ConvRouteDecision route)
    {
        this.config = config;
        State = state;
        Route = route;
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
        var route = Numerics.ConvRoute.Decide(NetworkShapes.Of(config));
        config.Report?.Invoke(route.Summary);
        if (route.Wrong.Count > 0) throw new InvalidOperationException(route.WrongMessage);
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
        return new TrainingSession(config, new TrainingState(generator, critic, generatorOptimizer, criticOptimizer, config.Data), route);
    }

    /// <summary>Generator iteration <paramref name="it"/>. <paramref name="logged"/> also measures the critic's input
    /// gradient norm. The statistics are those of the last critic step (its Seconds are left for the caller); a
    /// non-finite critic loss ends the iteration early, for the caller to report as divergence.</summary>
    public IterationStats Iterate(int it, bool logged)
    {
        var (method, generatorOptimizer, criticOptimizer) = (config.Method, State.GeneratorOptimizer, State.CriticOptimizer);
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
            StepSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
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
