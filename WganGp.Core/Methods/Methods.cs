namespace WganGp.Core.Methods;

/// <summary>The paper's four methods with the defaults of Algorithm 1 and the spec's §3 table (gan_64x64.py), plus the
/// one-sided penalty of appendix C. Each is a value: change one setting with the With* methods.</summary>
public static class Methods
{
    /// <summary>WGAN-GP, Algorithm 1: λ = 10, 5 critic steps, Adam(1e-4, β = (0, 0.9)).</summary>
    public static readonly Method WganGp = new(
        "wgan-gp", Losses.WassersteinCritic, Losses.WassersteinGenerator,
        new GradientPenalty(10.0), new AdamSpec(1e-4, 0.0, 0.9), 5);

    /// <summary>WGAN with weight clipping: c = 0.01, 5 critic steps, RMSProp(5e-5).</summary>
    public static readonly Method WganClipping = new(
        "wgan-clip", Losses.WassersteinCritic, Losses.WassersteinGenerator,
        new WeightClipping(0.01), new RmsPropSpec(5e-5), 5);

    /// <summary>DCGAN (non-saturating, on logits): Adam(2e-4, β = (0.5, 0.999)), 1 critic step.</summary>
    public static readonly Method Dcgan = new(
        "dcgan", Losses.MinimaxCritic, Losses.NonSaturatingGenerator,
        new NoConstraint(), new AdamSpec(2e-4, 0.5, 0.999), 1);

    /// <summary>LSGAN: RMSProp(1e-4), 1 critic step.</summary>
    public static readonly Method Lsgan = new(
        "lsgan", Losses.LeastSquaresCritic, Losses.LeastSquaresGenerator,
        new NoConstraint(), new RmsPropSpec(1e-4), 1);

    /// <summary>Appendix C: WGAN-GP with the one-sided penalty max(0, ‖g‖ − 1)². A user-style variant: a value built
    /// from WGAN-GP, no trainer change.</summary>
    public static readonly Method WganGpOneSided =
        WganGp.WithName("wgan-gp-one-sided").WithConstraint(new GradientPenalty(10.0, OneSided: true));

    public static IReadOnlyList<Method> All { get; } = new[] { WganGp, WganClipping, Dcgan, Lsgan, WganGpOneSided };
}
