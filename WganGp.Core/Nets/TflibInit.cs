using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>tflib's initialisations (spec §9): every weight uniform on ±σ√3; biases 0.</summary>
public static class TflibInit
{
    /// <summary>Linear layer followed by ReLU ("he"): σ = √(2 / fan_in).</summary>
    public static void HeUniform(Linear layer) => Uniform(layer, Math.Sqrt(2.0 / layer.in_features));

    /// <summary>tflib's default for Linear ("glorot"): σ = √(2 / (fan_in + fan_out)).</summary>
    public static void GlorotUniform(Linear layer) =>
        Uniform(layer, Math.Sqrt(2.0 / (layer.in_features + layer.out_features)));

    static void Uniform(Linear layer, double sigma)
    {
        using var _ = no_grad();
        var bound = sigma * Math.Sqrt(3.0);
        nn.init.uniform_(layer.weight, -bound, bound);
        if (layer.bias is not null) nn.init.zeros_(layer.bias);
    }
}
