using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// The normaliser a layer gets. Networks take it as an explicit choice; which one a cell's critic gets is decided where
/// the cell is built, from each script's rule and what the method's constraint tolerates (gan_64x64.py: layer norm
/// for a critic under the gradient penalty, batch norm otherwise).
/// </summary>
public enum Normalization
{
    None,

    /// <summary>Batch statistics always (tflib never uses moving averages), ε = 1e-5, scale 1 and offset 0 per channel.</summary>
    Batch,

    /// <summary>tflib's Layernorm over (C, H, W) with one scale and offset per channel: GroupNorm(1, C), ε = 1e-5.</summary>
    Layer,
}

public static class Normalizers
{
    public static nn.Module<Tensor, Tensor> For2d(Normalization kind, long channels) => Affine(kind switch
    {
        Normalization.Batch => nn.BatchNorm2d(channels, eps: 1e-5),
        Normalization.Layer => nn.GroupNorm(1, channels, eps: 1e-5),
        _ => nn.Identity(),
    });

    /// <summary>A normaliser for flat [B, F] features, as tflib's Batchnorm over axis [0] after a Linear (gan_cifar.py,
    /// gan_mnist.py): one scale and offset per feature. Only generators normalise flat features in the paper's code, so
    /// layer norm is refused (TorchSharp's GroupNorm also rejects 2-D input).</summary>
    public static nn.Module<Tensor, Tensor> ForFeatures(Normalization kind, long features) => Affine(kind switch
    {
        Normalization.Batch => nn.BatchNorm1d(features, eps: 1e-5),
        Normalization.Layer => throw new ArgumentException("layer norm over flat features is not supported; use Batch or None"),
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
