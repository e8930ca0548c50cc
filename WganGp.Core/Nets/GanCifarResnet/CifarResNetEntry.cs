using WganGp.Core.Data;
using WganGp.Core.Registry;
namespace WganGp.Core.Nets;

/// <summary>gan_cifar_resnet.py's ResNets (Table 3) for 32 × 32 × 3, no normaliser in the critic (NORMALIZATION_D =
/// False); <c>Conditional</c>: conditional batch norm in G and the auxiliary classifier head in the critic (AC-WGAN-GP).</summary>
[Kind("cifar-resnet")]
public sealed class CifarResNetEntry(bool conditional) : ArchitectureEntry
{
    public bool Conditional { get; } = conditional;
    public override string Name => Conditional ? "cifar-resnet-ac" : "cifar-resnet";
    public override long[] InputShape => [3, 32, 32];
    public override bool ClassConditional => Conditional;
    public override DataKind Data => DataKind.Images;

    public override NetworkFactories Networks(NetworkSpec spec) =>
        new(() => new CifarResNetGenerator(Conditional, spec.LatentDim, init: spec.Init),
            () => new CifarResNetCritic(Conditional, init: spec.Init));
}
