using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>An optimiser's settings. The paper's code used TensorFlow 1, whose defaults differ from PyTorch's; the
/// records below default to TF1's values so that "Adam 1e-4" means what it meant in the paper.</summary>
public abstract record OptimizerSpec(double LearningRate)
{
    /// <summary>Multiply the learning rate by max(0, 1 − iteration / iterations) (gan_cifar_resnet.py).</summary>
    public bool LinearDecay { get; init; }

    /// <summary>L2 weight decay of the critic's optimiser (the generator's never decays): the paper uses 1e-3 for
    /// critics with batch or layer norm in the random-architecture experiment (appendix B).</summary>
    public double WeightDecay { get; init; }

    public OptimizerSpec WithWeightDecay(double weightDecay) => this with { WeightDecay = weightDecay };

    public abstract optim.Optimizer Create(IEnumerable<Parameter> parameters);

    public abstract IReadOnlyDictionary<string, object> Describe();

    /// <summary>Learning rate to use at a generator iteration of a run of the given length.</summary>
    public double LearningRateAt(long iteration, long iterations) =>
        LinearDecay ? LearningRate * Math.Max(0.0, 1.0 - (double)iteration / iterations) : LearningRate;
}

/// <summary>Adam with TF1's epsilon 1e-8.</summary>
public sealed record AdamSpec(double LearningRate, double Beta1, double Beta2, double Epsilon = 1e-8) : OptimizerSpec(LearningRate)
{
    public override optim.Optimizer Create(IEnumerable<Parameter> parameters) =>
        optim.Adam(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay);

    public override IReadOnlyDictionary<string, object> Describe() => new Dictionary<string, object>
    {
        ["type"] = "adam", ["lr"] = LearningRate, ["beta1"] = Beta1, ["beta2"] = Beta2, ["eps"] = Epsilon,
        ["weight_decay"] = WeightDecay, ["linear_decay"] = LinearDecay,
    };

    public override string ToString() => $"Adam({LearningRate:G3}, β=({Beta1}, {Beta2}))" + (LinearDecay ? " linear decay" : "");
}

/// <summary>RMSProp as TensorFlow 1's RMSPropOptimizer: decay 0.9, epsilon 1e-10, no momentum, and the mean-square
/// accumulator starting at 1 (PyTorch: alpha 0.99, eps 1e-8, accumulator at 0; set InitialMeanSquare = 0 for that).
/// The accumulator's start matters: TF1's first steps are about lr·g, PyTorch's about lr·g/|g|·√10.
/// One difference remains: TF1 adds ε inside the square root, PyTorch outside; with ε = 1e-10 and the accumulator
/// starting at 1 the two agree unless gradients stay near zero for hundreds of steps.</summary>
public sealed record RmsPropSpec(double LearningRate, double Decay = 0.9, double Epsilon = 1e-10) : OptimizerSpec(LearningRate)
{
    public double InitialMeanSquare { get; init; } = 1.0;

    public override optim.Optimizer Create(IEnumerable<Parameter> parameters)
    {
        var optimizer = optim.RMSProp(parameters, LearningRate, alpha: Decay, eps: Epsilon, weight_decay: WeightDecay);
        using (no_grad())
            foreach (var state in optimizer.state_dict().State.OfType<RMSProp.State>())
                state.square_avg.fill_(InitialMeanSquare);
        return optimizer;
    }

    public override IReadOnlyDictionary<string, object> Describe() => new Dictionary<string, object>
    {
        ["type"] = "rmsprop", ["lr"] = LearningRate, ["decay"] = Decay, ["eps"] = Epsilon,
        ["initial_mean_square"] = InitialMeanSquare, ["weight_decay"] = WeightDecay, ["linear_decay"] = LinearDecay,
    };

    public override string ToString() => $"RMSProp({LearningRate:G3})" + (LinearDecay ? " linear decay" : "");
}
