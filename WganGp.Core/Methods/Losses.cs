using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>A critic loss over the critic's raw outputs on a real and a fake batch (compare_gan's loss_lib: losses are values).</summary>
public sealed record CriticLoss(string Name, Func<Tensor, Tensor, Tensor> Compute);

/// <summary>A generator loss over the critic's raw outputs on a fake batch.</summary>
public sealed record GeneratorLoss(string Name, Func<Tensor, Tensor> Compute);

/// <summary>The losses of the paper's four methods (spec §3 table). Critic outputs are logits / unbounded scores.</summary>
public static class Losses
{
    /// <summary>WGAN: mean D(x̃) − mean D(x).</summary>
    public static readonly CriticLoss WassersteinCritic = new("wasserstein", (real, fake) => fake.mean() - real.mean());

    /// <summary>WGAN: −mean D(G(z)).</summary>
    public static readonly GeneratorLoss WassersteinGenerator = new("wasserstein", fake => -fake.mean());

    /// <summary>DCGAN: ½[BCE(D(x), 1) + BCE(D(x̃), 0)] on logits, as gan_64x64.py.</summary>
    public static readonly CriticLoss MinimaxCritic = new("bce-logits", (real, fake) =>
        0.5 * (nn.functional.binary_cross_entropy_with_logits(real, ones_like(real))
             + nn.functional.binary_cross_entropy_with_logits(fake, zeros_like(fake))));

    /// <summary>DCGAN's non-saturating generator loss BCE(D(x̃), 1).</summary>
    public static readonly GeneratorLoss NonSaturatingGenerator = new("non-saturating", fake =>
        nn.functional.binary_cross_entropy_with_logits(fake, ones_like(fake)));

    /// <summary>LSGAN: ½[mean (D(x) − 1)² + mean D(x̃)²].</summary>
    public static readonly CriticLoss LeastSquaresCritic = new("least-squares", (real, fake) =>
        0.5 * ((real - 1).square().mean() + fake.square().mean()));

    /// <summary>LSGAN generator: mean (D(x̃) − 1)².</summary>
    public static readonly GeneratorLoss LeastSquaresGenerator = new("least-squares", fake => (fake - 1).square().mean());
}
