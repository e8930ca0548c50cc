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

    /// <summary>L2 weight decay, applied to the critic only where the paper asks (random architectures, appendix B).</summary>
    public double WeightDecay { get; init; }

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

/// <summary>RMSProp with TF1's defaults: decay 0.9, epsilon 1e-10, no momentum (PyTorch's are 0.99 and 1e-8).</summary>
public sealed record RmsPropSpec(double LearningRate, double Decay = 0.9, double Epsilon = 1e-10) : OptimizerSpec(LearningRate)
{
    public override optim.Optimizer Create(IEnumerable<Parameter> parameters) =>
        optim.RMSProp(parameters, LearningRate, alpha: Decay, eps: Epsilon, weight_decay: WeightDecay);

    public override IReadOnlyDictionary<string, object> Describe() => new Dictionary<string, object>
    {
        ["type"] = "rmsprop", ["lr"] = LearningRate, ["decay"] = Decay, ["eps"] = Epsilon,
        ["weight_decay"] = WeightDecay, ["linear_decay"] = LinearDecay,
    };

    public override string ToString() => $"RMSProp({LearningRate:G3})" + (LinearDecay ? " linear decay" : "");
}
