using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>The hidden-layer nonlinearities of the random-architecture study (paper Table 1).</summary>
public enum Nonlinearity
{
    Relu,

    /// <summary>LeakyReLU with slope 0.2, as every leaky ReLU in the paper's code.</summary>
    LeakyRelu,

    /// <summary>softplus(2x + 2)/2 − 1: a smooth ELU stand-in (appendix D: ELU itself could not be trained).</summary>
    Softplus,

    Tanh,
}

public static class Nonlinearities
{
    public static Tensor Apply(this Nonlinearity nonlinearity, Tensor x) => nonlinearity switch
    {
        Nonlinearity.Relu => nn.functional.relu(x),
        Nonlinearity.LeakyRelu => nn.functional.leaky_relu(x, 0.2),
        Nonlinearity.Softplus => nn.functional.softplus(2 * x + 2) / 2 - 1,
        Nonlinearity.Tanh => tanh(x),
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, null),
    };

    /// <summary>The short name used in architecture names: relu, lrelu, softplus, tanh.</summary>
    public static string Tag(this Nonlinearity nonlinearity) => nonlinearity switch
    {
        Nonlinearity.Relu => "relu",
        Nonlinearity.LeakyRelu => "lrelu",
        Nonlinearity.Softplus => "softplus",
        Nonlinearity.Tanh => "tanh",
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, null),
    };
}
