using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>
/// The WGAN-GP penalty λ·E[(‖∇x̂ D(x̂)‖₂ − 1)²] (paper eq. 3), with x̂ = ε·x + (1−ε)·x̃ and one ε ~ U[0,1] per sample
/// broadcast over every other dimension. The norm is taken over all non-batch dimensions (C·H·W for images, position ×
/// vocabulary for text). The input gradient is built with create_graph so the penalty's own gradient reaches the critic's
/// parameters (double backward); real and fake are detached, so nothing reaches the generator.
/// </summary>
/// <param name="Lambda">λ; the paper uses 10 everywhere, gan_toy.py uses 0.1.</param>
/// <param name="OneSided">max(0, ‖g‖ − 1)² instead of (‖g‖ − 1)² (paper appendix C).</param>
public sealed record GradientPenalty(double Lambda = 10.0, bool OneSided = false) : ILipschitzConstraint
{
    public string Name => OneSided ? "gp-one-sided" : "gp";

    public bool ToleratesBatchNorm => false;

    /// <summary>Batch norm couples the samples of a batch, so the per-input penalty is no longer a penalty on D(x̂) of
    /// each input (paper §4). Layer norm (per sample) is fine.</summary>
    public void Validate(nn.Module critic)
    {
        var bn = critic.named_modules().FirstOrDefault(m => m.module is BatchNorm);
        if (bn.module is not null)
            throw new ArgumentException(
                $"The critic contains batch norm ('{bn.name}', {bn.module.GetType().Name}); the gradient penalty is defined per " +
                "input, and batch norm makes each output depend on the whole batch, which invalidates it (paper §4). " +
                "Use no normalisation or layer norm in a WGAN-GP critic.");
    }

    public PenaltyTerm? Penalty(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake)
    {
        var norms = InputGradientNorms(critic, Interpolate(real, fake), createGraph: true);
        var excess = norms - 1;
        if (OneSided) excess = excess.clamp_min(0);
        return new PenaltyTerm(Lambda * excess.square().mean(), norms.detach().mean());
    }

    public void AfterCriticStep(nn.Module critic) { }

    public IReadOnlyDictionary<string, object> Describe() =>
        new Dictionary<string, object> { ["type"] = Name, ["lambda"] = Lambda, ["one_sided"] = OneSided };

    /// <summary>x̂ = ε·x + (1−ε)·x̃ with ε of shape [B, 1, …, 1]; a fresh leaf that requires grad.</summary>
    public static Tensor Interpolate(Tensor real, Tensor fake)
    {
        if (!real.shape.SequenceEqual(fake.shape))
            throw new ArgumentException($"real {Shape(real)} and fake {Shape(fake)} batches must have the same shape");
        var epsShape = new long[real.dim()];
        Array.Fill(epsShape, 1L);
        epsShape[0] = real.shape[0];
        var eps = rand(epsShape, dtype: real.dtype, device: real.device);
        return (eps * real.detach() + (1 - eps) * fake.detach()).detach().requires_grad_(true);
    }

    /// <summary>‖∇x D(x)‖₂ per sample, flattened over all non-batch dimensions. With createGraph the result can itself be
    /// differentiated with respect to the critic's parameters; retain_graph must be passed too (TorchSharp does not tie them).</summary>
    public static Tensor InputGradientNorms(nn.Module<Tensor, Tensor> critic, Tensor x, bool createGraph)
    {
        if (!x.requires_grad) x = x.detach().requires_grad_(true);
        var output = critic.call(x);
        var grad = torch.autograd.grad(
            new[] { output }, new[] { x }, new[] { ones_like(output) },
            retain_graph: createGraph, create_graph: createGraph)[0];
        return grad.reshape(grad.shape[0], -1).norm(1, keepdim: false, p: 2);
    }

    static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
