/// An image GAN of the Figure 2 family learns real Fashion-MNIST: if the image path silently stops learning (a loss
/// that no longer reaches the generator, data that no longer reach the critic, a broken penalty), this fails.
module WganGp.Tests.ImageLearningTests

open System
open Expecto
open TorchSharp
open WganGp.Core.Metrics
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Tests.Support

type private Module = torch.nn.Module<torch.Tensor, torch.Tensor>

/// The statistic: the Fréchet distance between Gaussians fitted to 8×8 average-pooled pixels (64 features) of two image
/// sets. It needs no trained network, and it sees both the mean image (where clothing is, the black background) and
/// how pixels vary together (shapes), which a generator learns first.
let pooledPixelFrechet (a: torch.Tensor) (b: torch.Tensor) =
    let stats (x: torch.Tensor) =
        use pooled = torch.nn.functional.adaptive_avg_pool2d(x, [| 8L; 8L |])
        use flat = pooled.reshape(x.shape.[0], -1L)
        FeatureStatistics.FromFeatures flat
    FrechetDistance.Compute(stats a, stats b)

/// The stated margin: training must cut the distance to a third of the untrained generator's, or less (seed 0 reaches 1/4.3).
let margin = 3.0

let tests =
    testList "image learning" [
        test "WGAN-GP on the DCGAN pair at width 0.25 cuts the pooled-pixel Fréchet distance to real Fashion-MNIST by 3x in 150 iterations" {
            requireFashionMnist ()
            let samples = 1000
            use real = Datasets.openReal Datasets.fashionMnist32 Datasets.fashionMnist32.Path 99L 1 ignore
            use held = real.NextBatch samples
            let architecture = Figure2(Figure2Variant.Dcgan, 32, 1, 0.25)
            let generator, critic, latent = Cells.networks architecture Paper.wganGp InitScheme.Tflib [| 1L; 32L; 32L |]
            // The untrained generator of the same cell: the trainer seeds torch with 0 before building it.
            torch.manual_seed 0L |> ignore
            use untrained = generator.Invoke()
            use noise = new torch.Generator(5UL)
            use before = Sampler.Sample(untrained, samples, 100, latent, torch.CPU, noise)
            use data = Datasets.openReal Datasets.fashionMnist32 Datasets.fashionMnist32.Path 0L 1 ignore
            use result = Trainer.Run(TrainConfig(generator, critic, latent, data, Paper.wganGp, 150, 64, 0L))
            Expect.equal result.Status RunStatus.Finished "trained without diverging"
            use noise = new torch.Generator(5UL)
            use after = Sampler.Sample(result.Generator, samples, 100, latent, torch.CPU, noise)
            let untrainedDistance, trainedDistance = pooledPixelFrechet before held, pooledPixelFrechet after held
            printfn $"pooled-pixel Fréchet distance to real Fashion-MNIST: untrained {untrainedDistance:F3}, after 150 WGAN-GP iterations {trainedDistance:F3}"
            Expect.isLessThan (trainedDistance * margin) untrainedDistance
                $"trained {trainedDistance:F3} should be at most a third of untrained {untrainedDistance:F3}"
        }
    ]
