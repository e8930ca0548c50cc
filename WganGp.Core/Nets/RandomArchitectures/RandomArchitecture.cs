namespace WganGp.Core.Nets;

/// <summary>
/// One draw of the random-architecture study (paper §5.1, Table 1), for 32×32×3 images: for the generator and the critic
/// separately a nonlinearity, a depth (weight layers, realised as <see cref="Dcgan32Depth"/> says), whether it is
/// normalised and its base filter count. <see cref="CriticNormalized"/> is Table 1's "BN in D": batch norm, or layer norm
/// under WGAN-GP (<see cref="CriticNorm"/>). The name reads e.g. g-relu-d8-bn-f64_d-tanh-d12-nobn-f32.
/// </summary>
public sealed record RandomArchitecture(
    Nonlinearity GeneratorNonlinearity,
    int GeneratorDepth,
    bool GeneratorBatchNorm,
    int GeneratorFilters,
    Nonlinearity CriticNonlinearity,
    int CriticDepth,
    bool CriticNormalized,
    int CriticFilters)
{
    public static IReadOnlyList<Nonlinearity> Nonlinearities { get; } =
        [Nonlinearity.Relu, Nonlinearity.LeakyRelu, Nonlinearity.Softplus, Nonlinearity.Tanh];

    public static IReadOnlyList<int> Depths { get; } = [4, 8, 12, 20];

    public static IReadOnlyList<bool> Normalized { get; } = [true, false];

    public static IReadOnlyList<int> Filters { get; } = [32, 64, 128];

    /// <summary>Uniform over Table 1's choices, from a <see cref="SplitMix64"/> seeded with the seed (sign-extended to 64
    /// bits), drawn in the order of the record's parameters: the same record on every machine and runtime.</summary>
    public static RandomArchitecture Sample(int seed)
    {
        var random = new SplitMix64(unchecked((ulong)(long)seed));
        return new(
            random.Pick(Nonlinearities), random.Pick(Depths), random.Pick(Normalized), random.Pick(Filters),
            random.Pick(Nonlinearities), random.Pick(Depths), random.Pick(Normalized), random.Pick(Filters));
    }

    public string Name =>
        $"g-{Part(GeneratorNonlinearity, GeneratorDepth, GeneratorBatchNorm, GeneratorFilters)}" +
        $"_d-{Part(CriticNonlinearity, CriticDepth, CriticNormalized, CriticFilters)}";

    public override string ToString() => Name;

    /// <summary>Paper appendix B: weight decay 1e-3 on the critic when it has batch or layer norm, none otherwise. A
    /// training setting: the optimiser applies it.</summary>
    public double CriticWeightDecay => CriticNormalized ? 1e-3 : 0.0;

    public Normaliser GeneratorNorm => GeneratorBatchNorm ? Normaliser.Batch : Normaliser.None;

    /// <summary>The critic's normaliser: none when not normalised, else batch norm where the method tolerates it and
    /// layer norm where it does not (paper: "layer norm instead for WGAN-GP").</summary>
    public Normaliser CriticNorm(bool toleratesBatchNorm) =>
        !CriticNormalized ? Normaliser.None : toleratesBatchNorm ? Normaliser.Batch : Normaliser.Layer;

    public RandomArchGenerator NewGenerator(int latent = 128, InitScheme init = InitScheme.Tflib) =>
        new(GeneratorNonlinearity, GeneratorDepth, GeneratorFilters, GeneratorNorm, latent, init: init);

    /// <summary>The critic with the given normaliser (<see cref="CriticNorm"/> where it is normalised).</summary>
    public RandomArchCritic NewCritic(Normaliser norm, InitScheme init = InitScheme.Tflib) =>
        new(CriticNonlinearity, CriticDepth, CriticFilters, norm, init: init);

    static string Part(Nonlinearity nonlinearity, int depth, bool normalized, int filters) =>
        $"{nonlinearity.Tag()}-d{depth}-{(normalized ? "bn" : "nobn")}-f{filters}";
}
