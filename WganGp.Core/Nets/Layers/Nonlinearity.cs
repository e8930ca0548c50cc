using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// The nonlinearity after each hidden layer: ReLU / LeakyReLU / tanh / gated for gan_64x64.py's DCGAN-shaped networks
/// (Figure 2 rows 1, 4, 5, 6), and Table 1's choices (ReLU, LeakyReLU, softplus, tanh) for the random architectures.
/// <see cref="Gated"/> is PixelCNN's gated unit: the layer before it emits twice the channels and the unit halves them.
/// </summary>
public enum Nonlinearity
{
    Relu,

    /// <summary>The code's <c>max(0.2·x, x)</c>.</summary>
    LeakyRelu,

    Tanh,

    /// <summary>sigmoid(a)·tanh(b), a = the even channels, b = the odd ones (<c>output[:, ::2]</c>, <c>output[:, 1::2]</c>).</summary>
    Gated,

    /// <summary>softplus(2x + 2)/2 − 1: a smooth ELU stand-in (appendix D: ELU itself could not be trained).</summary>
    Softplus,
}

public static class Nonlinearities
{
    /// <summary>Channels (or units) a layer emits per channel the nonlinearity passes on: 2 for the gated unit.</summary>
    public static long Widening(Nonlinearity f) => f == Nonlinearity.Gated ? 2 : 1;

    public static Tensor Apply(this Nonlinearity f, Tensor x) => f switch
    {
        Nonlinearity.Relu => nn.functional.relu(x),
        Nonlinearity.LeakyRelu => nn.functional.leaky_relu(x, 0.2),
        Nonlinearity.Tanh => tanh(x),
        Nonlinearity.Gated => Gate(x),
        Nonlinearity.Softplus => nn.functional.softplus(2 * x + 2) / 2 - 1,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
    };

    /// <summary>The short name used in architecture names: relu, lrelu, tanh, gated, softplus.</summary>
    public static string Tag(this Nonlinearity f) => f switch
    {
        Nonlinearity.Relu => "relu",
        Nonlinearity.LeakyRelu => "lrelu",
        Nonlinearity.Tanh => "tanh",
        Nonlinearity.Gated => "gated",
        Nonlinearity.Softplus => "softplus",
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
    };

    /// <summary>The gated unit over dimension 1: [B, 2k, …] → [B, k, …].</summary>
    public static Tensor Gate(Tensor x)
    {
        var channels = x.shape[1];
        if (channels % 2 != 0) throw new ArgumentException($"the gated unit needs an even channel count, got {channels}");
        using var a = x.slice(1, 0, channels, 2);
        using var b = x.slice(1, 1, channels, 2);
        using var gate = sigmoid(a);
        using var value = tanh(b);
        return gate * value;
    }
}
