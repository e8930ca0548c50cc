using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>A penalty term and the mean L2 norm of the critic's input gradient it was computed from.</summary>
public sealed record PenaltyTerm(Tensor Value, Tensor MeanGradientNorm);

/// <summary>How a method keeps the critic (approximately) 1-Lipschitz: a penalty added to the loss, a projection after
/// each step, or nothing. Penalties and constraints are separate values from losses (compare_gan's penalty_lib).</summary>
public interface ILipschitzConstraint
{
    /// <summary>Short name for logs and tables.</summary>
    string Name { get; }

    /// <summary>Refuses a critic this constraint cannot be applied to, before any training (throws ArgumentException).</summary>
    void Validate(nn.Module critic);

    /// <summary>The term added to the critic loss of one step, or null when the constraint adds none.</summary>
    PenaltyTerm? Penalty(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake);

    /// <summary>Called after each critic optimiser step (weight clipping projects here).</summary>
    void AfterCriticStep(nn.Module critic);

    /// <summary>Settings written to the run's settings.json.</summary>
    IReadOnlyDictionary<string, object> Describe();

    /// <summary>Whether the critic may normalise over the batch. A penalty on each input's gradient does not (paper §4:
    /// batch norm couples the samples), so where an architecture's script uses batch norm, the critic gets its
    /// per-sample replacement instead. The networks never ask: the cell's builder reads this once and passes the
    /// chosen normaliser on.</summary>
    bool ToleratesBatchNorm => true;

    /// <summary>Whether the constraint clips the critic's weights (gan_mnist.py normalises only in that mode).</summary>
    bool ClipsWeights => false;
}
