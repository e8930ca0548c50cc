namespace WganGp.Core.Nets;

/// <summary>gan_cifar_resnet.py's ResNets (Table 3) for 32 × 32 × 3, no normaliser in the critic (NORMALIZATION_D =
/// False); <c>Conditional</c>: conditional batch norm in G and the auxiliary classifier head in the critic (AC-WGAN-GP).</summary>
public sealed record CifarResNetEntry(bool Conditional) : ArchitectureEntry
{
    public override long[] InputShape => [3, 32, 32];
    public override DataKind Data => DataKind.Images;

    public override NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape) =>
        new(() => new CifarResNetGenerator(Conditional, init: init), () => new CifarResNetCritic(Conditional, init: init));
}
