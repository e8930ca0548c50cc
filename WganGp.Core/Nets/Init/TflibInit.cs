using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>How a network's weights start: tflib's initialisations (the paper's code, the default) or TorchSharp's
/// own defaults (PyTorch's kaiming-uniform), for comparison with PyTorch ports.</summary>
public enum InitScheme
{
    Tflib,
    PyTorch,
}

/// <summary>
/// tflib's initialisations (spec §9): every weight uniform on ±σ√3, biases 0.
/// Linear: σ = √(2 / (fan_in + fan_out)) by default ("glorot"), √(2 / fan_in) for "he".
/// Conv (1-D and 2-D): fan_in = in·k^d, fan_out = out·k^d / stride^d; σ = √(4 / (fan_in + fan_out)) with he_init (tflib's
/// default), else √(2 / (fan_in + fan_out)). Transposed conv (stride 2): fan_in = in·k² / 4, fan_out = out·k².
/// Under <see cref="InitScheme.PyTorch"/> every method leaves the layer as constructed.
/// </summary>
public static class TflibInit
{
    /// <summary>Linear layer followed by ReLU ("he"): σ = √(2 / fan_in).</summary>
    public static void HeUniform(Linear layer) => Uniform(layer.weight, layer.bias, Math.Sqrt(2.0 / layer.in_features));

    /// <summary>tflib's default for Linear ("glorot"): σ = √(2 / (fan_in + fan_out)).</summary>
    public static void GlorotUniform(Linear layer) =>
        Uniform(layer.weight, layer.bias, Math.Sqrt(2.0 / (layer.in_features + layer.out_features)));

    public static void Linear(Linear layer, bool he, InitScheme scheme = InitScheme.Tflib)
    {
        if (scheme != InitScheme.Tflib) return;
        if (he) HeUniform(layer); else GlorotUniform(layer);
    }

    /// <summary>tflib's Conv2D (weights [out, in, k, k]).</summary>
    public static void Conv(Conv2d conv, int stride = 1, bool he = true, InitScheme scheme = InitScheme.Tflib) =>
        ConvWeights(conv.weight, conv.bias, stride, dims: 2, he, scheme);

    /// <summary>tflib's Conv1D (weights [out, in, k]).</summary>
    public static void Conv(Conv1d conv, int stride = 1, bool he = true, InitScheme scheme = InitScheme.Tflib) =>
        ConvWeights(conv.weight, conv.bias, stride, dims: 1, he, scheme);

    /// <summary>tflib's Deconv2D, stride 2 (weights [in, out, k, k]).</summary>
    public static void Deconv(ConvTranspose2d deconv, bool he = true, InitScheme scheme = InitScheme.Tflib)
    {
        if (scheme != InitScheme.Tflib) return;
        var shape = deconv.weight.shape;
        double input = shape[0], output = shape[1], k2 = shape[2] * shape[3];
        double fanIn = input * k2 / 4, fanOut = output * k2;
        Uniform(deconv.weight, deconv.bias, Math.Sqrt((he ? 4.0 : 2.0) / (fanIn + fanOut)));
    }

    static void ConvWeights(Parameter weight, Parameter? bias, int stride, int dims, bool he, InitScheme scheme)
    {
        if (scheme != InitScheme.Tflib) return;
        var shape = weight.shape;
        double output = shape[0], input = shape[1], kernel = 1;
        for (var d = 2; d < shape.Length; d++) kernel *= shape[d];
        double fanIn = input * kernel, fanOut = output * kernel / Math.Pow(stride, dims);
        Uniform(weight, bias, Math.Sqrt((he ? 4.0 : 2.0) / (fanIn + fanOut)));
    }

    /// <summary>The rule every tflib initialisation shares: weight uniform on ±σ√3, bias 0.</summary>
    internal static void Uniform(Tensor weight, Tensor? bias, double sigma)
    {
        using var _ = no_grad();
        var bound = sigma * Math.Sqrt(3.0);
        nn.init.uniform_(weight, -bound, bound);
        if (bias is not null) nn.init.zeros_(bias);
    }
}
