using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>The rows of Figure 2 (gan_64x64.py's GeneratorAndDiscriminator choices), in the paper's order.</summary>
public enum Figure2Variant
{
    /// <summary>1: DCGAN generator and critic.</summary>
    Dcgan,

    /// <summary>2: generator without BN and with a constant number of filters (the WGAN paper's); DCGAN critic.</summary>
    NoNormConstantFilters,

    /// <summary>3: generator a 4-layer 512-wide ReLU MLP; DCGAN critic.</summary>
    MlpGenerator,

    /// <summary>4: the DCGAN pair without any normaliser.</summary>
    NoNormalization,

    /// <summary>5: the DCGAN pair with gated multiplicative units in place of ReLU / LeakyReLU.</summary>
    Gated,

    /// <summary>6: the DCGAN pair with tanh in place of ReLU / LeakyReLU.</summary>
    Tanh,

    /// <summary>7: 101-layer bottleneck ResNets (<see cref="ResNet101Generator"/>, <see cref="ResNet101Critic"/>).</summary>
    ResNet101,
}

/// <summary>
/// Builds Figure 2's generator/critic pairs for size × size images with the given channels. Generators map [B, latent]
/// to [B, channels, size, size] in (−1, 1); critics map images to [B, 1]. dim is the code's DIM (64). Under
/// <see cref="InitScheme.Tflib"/> each network starts as the code starts it: σ = 0.02 uniform for DCGANGenerator and
/// DCGANDiscriminator (rows 1, 4, 6, and the critic of rows 2 and 3), tflib's fan-based defaults for rows 2 and 3's
/// generators and both gated networks.
/// </summary>
public static class Figure2
{
    public static nn.Module<Tensor, Tensor> Generator(Figure2Variant variant, int size = 64, int channels = 3, int dim = 64,
        int latent = 128, InitScheme init = InitScheme.Tflib) => variant switch
    {
        Figure2Variant.Dcgan => new DcganGenerator(latent, dim, size, channels, Normaliser.Batch, Nonlinearity.Relu, init),
        Figure2Variant.NoNormConstantFilters => new ConstantWidthGenerator(latent, dim, size, channels, init),
        Figure2Variant.MlpGenerator => new MlpGenerator(latent, 8 * dim, size, channels, init),
        Figure2Variant.NoNormalization => new DcganGenerator(latent, dim, size, channels, Normaliser.None, Nonlinearity.Relu, init),
        Figure2Variant.Gated => new DcganGenerator(latent, dim, size, channels, Normaliser.Batch, Nonlinearity.Gated, init),
        Figure2Variant.Tanh => new DcganGenerator(latent, dim, size, channels, Normaliser.Batch, Nonlinearity.Tanh, init),
        Figure2Variant.ResNet101 => new ResNet101Generator(latent, dim, size, channels, Normaliser.Batch, init),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    /// <summary>The critic; <paramref name="norm"/> is the normaliser wherever the variant has one (the caller's
    /// the cell builder's choice, Cells.normalisers); row 4 has none and ignores it.</summary>
    public static nn.Module<Tensor, Tensor> Critic(Figure2Variant variant, Normaliser norm, int size = 64, int channels = 3,
        int dim = 64, InitScheme init = InitScheme.Tflib) => variant switch
    {
        Figure2Variant.Dcgan or Figure2Variant.NoNormConstantFilters or Figure2Variant.MlpGenerator =>
            new DcganCritic(dim, size, channels, norm, Nonlinearity.LeakyRelu, init),
        Figure2Variant.NoNormalization => new DcganCritic(dim, size, channels, Normaliser.None, Nonlinearity.LeakyRelu, init),
        Figure2Variant.Gated => new DcganCritic(dim, size, channels, norm, Nonlinearity.Gated, init),
        Figure2Variant.Tanh => new DcganCritic(dim, size, channels, norm, Nonlinearity.Tanh, init),
        Figure2Variant.ResNet101 => new ResNet101Critic(dim, size, channels, norm, init),
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };
}
