using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>The layers a <see cref="Normaliser"/> stands for, initialised as tflib starts them.</summary>
public static class NormaliserLayers
{
    public static nn.Module<Tensor, Tensor> For2d(Normaliser kind, long channels) => Affine(kind switch
    {
        Normaliser.Batch => nn.BatchNorm2d(channels, eps: 1e-5),
        Normaliser.Layer => nn.GroupNorm(1, channels, eps: 1e-5),
        _ => nn.Identity(),
    });

    /// <summary>A normaliser for flat [B, F] features, as tflib's Batchnorm over axis [0] after a Linear (gan_cifar.py,
    /// gan_mnist.py): one scale and offset per feature. Only generators normalise flat features in the paper's code, so
    /// layer norm is refused (TorchSharp's GroupNorm also rejects 2-D input).</summary>
    public static nn.Module<Tensor, Tensor> ForFeatures(Normaliser kind, long features) => Affine(kind switch
    {
        Normaliser.Batch => nn.BatchNorm1d(features, eps: 1e-5),
        Normaliser.Layer => throw new ArgumentException("layer norm over flat features is not supported; use Batch or None"),
        _ => nn.Identity(),
    });

    static nn.Module<Tensor, Tensor> Affine(nn.Module<Tensor, Tensor> module)
    {
        // tflib starts every scale at 1 and offset at 0. Set them explicitly: TorchSharp 0.107's GroupNorm leaves its
        // affine parameters uninitialised (found here as NaN penalties from garbage scales).
        using var _ = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name == "weight") parameter.fill_(1.0);
            else if (name == "bias") parameter.zero_();
        }
        return module;
    }
}
