using WganGp.Core.Methods;

namespace WganGp.Core.Nets;

/// <summary>gan_mnist.py's normalisation rule: batch norm in both networks only in mode 'wgan' (weight clipping), none
/// under wgan-gp or dcgan. Where it is on: the generator after its Linear (per feature) and after its first two
/// transposed convs; the critic after its second and third convs.</summary>
public static class MnistDcgan
{
    /// <summary>Batch norm under weight clipping, none otherwise; the same for the generator and the critic.</summary>
    public static Normalization NormUnder(Method method) =>
        method.Constraint is WeightClipping ? Normalization.Batch : Normalization.None;
}
