using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>The original WGAN constraint: after every critic step, clip every critic parameter (weights, biases and
/// normalisation parameters alike, as the authors' code does) to [−c, c].</summary>
public sealed record WeightClipping(double C = 0.01) : ILipschitzConstraint
{
    public string Name => "clip";

    public bool ClipsWeights => true;

    public void Validate(nn.Module critic)
    {
        if (!(C > 0)) throw new ArgumentException($"clip value c must be positive, got {C}");
    }

    public PenaltyTerm? Penalty(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake) => null;

    public void AfterCriticStep(nn.Module critic)
    {
        using var _ = no_grad();
        foreach (var p in critic.parameters()) p.clamp_(-C, C);
    }

    public IReadOnlyDictionary<string, object> Describe() =>
        new Dictionary<string, object> { ["type"] = Name, ["c"] = C };
}
