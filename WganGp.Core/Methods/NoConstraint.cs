using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>No Lipschitz constraint (DCGAN, LSGAN).</summary>
public sealed record NoConstraint : ILipschitzConstraint
{
    public string Name => "none";
    public void Validate(nn.Module critic) { }
    public PenaltyTerm? Penalty(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake) => null;
    public void AfterCriticStep(nn.Module critic) { }
    public IReadOnlyDictionary<string, object> Describe() => new Dictionary<string, object> { ["type"] = Name };
}
