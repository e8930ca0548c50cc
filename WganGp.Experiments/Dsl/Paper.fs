/// The paper's settings as named presets. Where the paper and its code disagree (spec/paper.md marks them [≠]) both
/// are offered and the default is said.
module WganGp.Experiments.Paper

open System
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Experiments.Dsl

/// The four methods with Algorithm 1 / gan_64x64.py defaults (core values, re-exported for scripts).
let wganGp = Methods.WganGp
let wganClipping = Methods.WganClipping
let dcgan = Methods.Dcgan
let lsgan = Methods.Lsgan
let wganGpOneSided = Methods.WganGpOneSided

let adam lr beta1 beta2 = AdamSpec(lr, beta1, beta2) :> OptimizerSpec
let rmsprop lr = RmsPropSpec(lr) :> OptimizerSpec

/// gan_toy.py (spec §2).
module Toy =
    /// 2-512-512-512-{2,1} ReLU MLPs.
    let mlp = ToyMlp(512, 4)

    /// WGAN-GP as gan_toy.py runs it: λ = 0.1, Adam(1e-4, β = (0.5, 0.9)), 5 critic steps. [≠] the paper says every
    /// experiment used λ = 10; the code's comment says the smaller λ is faster on toys. This is the toy default.
    let wganGp =
        Methods.WganGp.WithConstraint(GradientPenalty(0.1)).WithOptimizer(adam 1e-4 0.5 0.9)

    /// The paper's λ = 10 on the toys (same optimiser as gan_toy.py), named so tables keep the two apart.
    let wganGpLambda10 = wganGp.WithConstraint(GradientPenalty(10.0)).WithName("wgan-gp-lambda10")

    /// WGAN with weight clipping as gan_toy.py: RMSProp(5e-5), c = 0.01, 5 critic steps.
    let wganClipping = Methods.WganClipping

    let datasets = [ Toy ToyKind.EightGaussians; Toy ToyKind.TwentyFiveGaussians; Toy ToyKind.SwissRoll ]

/// gan_64x64.py's four methods for the LSUN matrix (spec §3). [≠] the code (and Algorithm 1) use Adam β1 = 0 for
/// WGAN-GP, appendix E says 0.5: the code's is the default, appendix E's is `wganGpAppendixE`.
module Lsun =
    /// Figure 2's seven rows at size × size with the given channels and `width` times the code's channel counts.
    let architecturesAt width size channels =
        [ for variant in Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() -> Figure2(variant, size, channels, width) ]

    /// Figure 2's seven rows at the paper's width (64, 3: LSUN; 32, 1: the small matrix).
    let architectures size channels = architecturesAt 1.0 size channels

    let methods = [ Methods.WganGp; Methods.WganClipping; Methods.Dcgan; Methods.Lsgan ]
    let wganGpAppendixE = Methods.WganGp.WithOptimizer(adam 1e-4 0.5 0.9).WithName("wgan-gp-appendix-e")

/// CIFAR-10 (spec §5).
module Cifar =
    /// gan_cifar.py's DCGAN-style pair as the paper trains it: 32 × 32 × 3, DIM 128.
    let dcganPair = CifarDcgan(3, 1.0)
    /// The same pair for 32 × 32 images of `channels` channels at `width` times DIM 128 (Figure 3 at a smaller scale).
    let dcganAt channels width = CifarDcgan(channels, width)
    /// gan_cifar.py's WGAN-GP: Adam(1e-4, β = (0.5, 0.9)), 5 critic steps, λ = 10 (Figure 3's "WGAN-GP Adam").
    let wganGp = Methods.WganGp.WithOptimizer(adam 1e-4 0.5 0.9)
    /// Figure 3's "WGAN-GP with RMSProp": the clipping run's optimiser and learning rate. gan_cifar.py has no switch for
    /// it; this is the paper's description.
    let wganGpRmsprop = Methods.WganGp.WithOptimizer(rmsprop 5e-5).WithName("wgan-gp-rmsprop")
    /// Figure 3's four runs.
    let figure3 = [ Methods.WganClipping; wganGpRmsprop; wganGp; Methods.Dcgan ]
    /// gan_cifar.py's scoring (Figure 3): Inception Score on 1,000 samples (10 generator batches of 100) in 10 splits,
    /// every 1,000 generator iterations; samples truncated to pixels as int((x + 1)·255/2).
    let ganCifarScoring =
        { ScoreProtocol.standard with
            PaperSamples = Some 1000; SampleBatch = Some 100; Rounding = WganGp.Core.Metrics.PixelRounding.Truncate255
            PaperEvaluation = Some { Every = 1000; Samples = 1000 } }
    /// gan_cifar_resnet.py's scoring (Table 3): 50,000 samples (generator batches of 100) in 10 splits, every 1,000
    /// generator iterations; samples truncated to pixels as int((x + 1)·255.99/2).
    let ganCifarResnetScoring =
        { ScoreProtocol.standard with
            PaperSamples = Some 50_000; SampleBatch = Some 100; Rounding = WganGp.Core.Metrics.PixelRounding.Truncate25599
            PaperEvaluation = Some { Every = 1000; Samples = 50_000 } }
    /// gan_cifar_resnet.py: Adam(2e-4, β = (0, 0.9)) for both networks, decayed linearly to 0 over the run; the
    /// generator steps on batches twice the critic's (GEN_BS_MULTIPLE = 2: 128 against 64); and its two GPU towers
    /// (N_GPUS = 2): the generator's batch norm sees halves, 32 of a critic step's 64 fakes and 64 of a generator step's
    /// 128. `resnetWganGp.WithGeneratorTowers 1` is the same method on one device (whole-batch statistics).
    let resnetWganGp =
        Methods.WganGp.WithOptimizer(AdamSpec(2e-4, 0.0, 0.9, LinearDecay = true)).WithGeneratorBatchMultiple(2)
            .WithGeneratorTowers(2).WithName("wgan-gp-resnet")
    /// gan_cifar_resnet.py's AC-WGAN-GP: class loss weight 1 for the critic (real samples), 0.1 for the generator.
    let acWganGp = AuxiliaryClassifierMethod(resnetWganGp, 1.0, 0.1).WithName("ac-wgan-gp")

/// gan_mnist.py's three modes (spec §7).
module Mnist =
    let wganGp = Methods.WganGp.WithOptimizer(adam 1e-4 0.5 0.9)
    let wganClipping = Methods.WganClipping
    let dcgan = Methods.Dcgan.WithOptimizer(adam 2e-4 0.5 0.999)
    let methods = [ wganGp; wganClipping; dcgan ]

/// gan_language.py (spec §6): Adam(1e-4, β = (0.5, 0.9)), λ = 10, 10 critic steps ("10 for the paper, 5 works").
module Language =
    let wganGp = Methods.WganGp.WithOptimizer(adam 1e-4 0.5 0.9).WithCriticIterations(10)

/// The random-architecture experiment (appendix B): standard GAN Adam(2e-4, β = (0.5, 0.999)) and WGAN-GP Adam(1e-4,
/// β = (0, 0.9)); a critic with batch or layer norm gets weight decay 1e-3 (see `RandomArchitectures.criticWeightDecay`).
module Random =
    let gan = Methods.Dcgan.WithName("gan")
    let wganGp = Methods.WganGp

/// Table 1's random architectures as grid entries.
module RandomArchitectures =
    /// The architecture sampled from `seed` (reproducible across runs and machines).
    let sample seed = RandomArch(WganGp.Core.Nets.RandomArchitecture.Sample seed)

    /// Appendix B: a critic with batch or layer norm trains with weight decay 1e-3 (the generator never decays).
    let criticWeightDecay =
        { Where = (fun c -> match c.Architecture with :? WganGp.Core.Nets.RandomArchEntry as r -> r.Spec.CriticWeightDecay > 0.0 | _ -> false)
          Change =
            fun c ->
                match c.Architecture with
                | :? WganGp.Core.Nets.RandomArchEntry as r ->
                    { c with Method = c.Method.WithOptimizer(c.Method.Optimizer.WithWeightDecay r.Spec.CriticWeightDecay) }
                | _ -> c }

/// Every named generator/critic pair of the paper, with where it comes from (what `wgangp list` prints).
let catalog : (Architecture * string) list =
    [ Toy.mlp, "gan_toy.py: 2-512-512-512-{2,1} ReLU MLPs (Figure 1)"
      for variant in Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() do
          let row = int variant + 1
          Figure2(variant, 64, 3, 1.0), $"gan_64x64.py, Figure 2 row {row} (LSUN 64x64; Lsun.architectures 32 1 for the small matrix)"
      CifarResNet false, "gan_cifar_resnet.py, Table 3 unsupervised"
      CifarResNet true, "gan_cifar_resnet.py, Table 3 supervised (AC-WGAN-GP: conditional BN, classifier head)"
      Cifar.dcganPair, "gan_cifar.py, Figure 3 (Cifar.dcganAt C W: C channels at width W)"
      MnistDcgan, "gan_mnist.py"
      CharResNet, "gan_language.py, Table 4 (V = the corpus vocabulary; counted here with V = 100)"
      RandomArchitectures.sample 0, "Table 1's space, sampled from seed 0 (RandomArchitectures.sample)" ]
