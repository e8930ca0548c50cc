namespace WganGp.Core.Nets;

/// <summary>gan_cifar.py's DCGAN-style pair (Figure 3) for 32 × 32 × 3.</summary>
public sealed record CifarDcganEntry : ArchitectureEntry
{
    public override long[] InputShape => [3, 32, 32];
    public override DataKind Data => DataKind.Images;

    /// <summary>gan_cifar.py: no normaliser in the critic in mode wgan-gp, batch norm otherwise.</summary>
    public override Normalisers NormalisersFor(CriticNeeds needs) =>
        new(needs.ToleratesBatchNorm ? Normalization.Batch : Normalization.None);

    public override NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape) =>
        new(() => new CifarDcganGenerator(init: init), () => new CifarDcganCritic(norm: norms.Critic, init: init));
}
