namespace WganGp.Core.Nets;

/// <summary>An architecture of Table 1's space (paper §5.1) for 32 × 32 × 3.</summary>
public sealed record RandomArchEntry(RandomArchitecture Architecture) : ArchitectureEntry
{
    public override long[] InputShape => [3, 32, 32];
    public override DataKind Data => DataKind.Images;

    /// <summary>Appendix B: "layer norm instead" where a sampled critic is normalised and the method needs it.</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs) => new(Architecture.CriticNorm(needs.ToleratesBatchNorm));

    public override NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape) =>
        new(() => Architecture.NewGenerator(init: init), () => Architecture.NewCritic(norms.Critic, init));
}
