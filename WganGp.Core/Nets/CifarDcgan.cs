using WganGp.Core.Methods;

namespace WganGp.Core.Nets;

/// <summary>gan_cifar.py's normalisation rule (Figure 3). Its generator always has batch norm; its critic has batch norm
/// after the second and third convs unless the mode is wgan-gp, where it has none. This differs from gan_64x64.py, whose
/// WGAN-GP critic gets layer norm (<see cref="Normalizers.CriticUnder"/>).</summary>
public static class CifarDcgan
{
    /// <summary>No normaliser under the gradient penalty, batch norm otherwise (clipping, DCGAN, LSGAN).</summary>
    public static Normalization CriticNormUnder(Method method) =>
        method.Constraint is GradientPenalty ? Normalization.None : Normalization.Batch;
}
