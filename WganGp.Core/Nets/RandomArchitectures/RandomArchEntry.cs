using WganGp.Core.Data;
using WganGp.Core.Registry;
namespace WganGp.Core.Nets;

/// <summary>An architecture of Table 1's space (paper §5.1) for 32 × 32 × 3.</summary>
[Kind("random")]
public sealed class RandomArchEntry(RandomArchitecture spec) : ArchitectureEntry
{
    public RandomArchitecture Spec { get; } = spec;
    public override string Name => Spec.Name;
    public override long[] InputShape => [3, 32, 32];
    public override DataKind Data => DataKind.Images;

    /// <summary>Appendix B: "layer norm instead" where a sampled critic is normalised and the method needs it.</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs) => new(Spec.CriticNorm(needs.ToleratesBatchNorm));

    public override NetworkFactories Networks(NetworkSpec spec) =>
        new(() => Spec.NewGenerator(spec.LatentDim, spec.Init), () => Spec.NewCritic(spec.Normalisers.Critic, spec.Init));
}
