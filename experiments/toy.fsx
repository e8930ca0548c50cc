// The paper's toy experiments (Figure 1 and a full-GAN grid), as gan_toy.py runs them.
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/toy.fsx            (default budget, ~15 min on 2 cores)
//     trains into runs/toy/ and ends by comparing it with the published results/toy/ ("12 of 12 cells identical ...");
//     `--results results` writes into results/toy/ instead (publishing)
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/toy.fsx --paper    (the paper's 100k iterations)
// The runner evaluates this file with the wgangp assemblies referenced; its value `experiment` is what runs.
open WganGp.Core.Data
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

/// Full GANs on the three toy sets: WGAN-GP (gan_toy.py's λ = 0.1) against weight clipping, two seeds each.
let gan =
    { Grid.named "gan" with
        Datasets = Toy.datasets
        Architectures = [ Toy.mlp ]
        Methods = [ Toy.wganGp; Toy.wganClipping ]
        Seeds = [ 0; 1 ]
        Iterations = 300
        PaperIterations = 100_000
        BatchSize = 256
        SampleCount = 2000 }

/// Figure 1a: critics trained with the generator fixed at real data + N(0, I) (gan_toy.py's `fake = real + randn`, on
/// the critic's own real batch); clipping on top, penalty below.
let surfaces =
    Figure1a
        { Datasets = [ ToyKind.EightGaussians; ToyKind.TwentyFiveGaussians; ToyKind.SwissRoll ]
          FixedGenerator = RealPlusNoise
          Methods = [ Toy.wganClipping; Toy.wganGp ]
          Architecture = Toy.mlp
          Iterations = 150
          PaperIterations = 100_000
          BatchSize = 256
          Seed = 0 }

/// Figures 1b and 1c: 12-layer ReLU MLP generator and critic on the swiss roll (the paper does not give their width;
/// 128 here), clipping at c ∈ {0.1, 0.01, 0.001} against the gradient penalty.
let deep =
    Figure1bc
        { Dataset = ToyKind.SwissRoll
          Architecture = ToyMlp(128, 12)
          Clipping = Toy.wganClipping
          ClipValues = [ 0.1; 0.01; 0.001 ]
          Penalty = Toy.wganGp
          Iterations = 250
          PaperIterations = 100_000
          BatchSize = 256
          Seed = 0 }

let experiment = { Experiment.named "toy" with Grids = [ gan ]; Figures = [ surfaces; deep ] }
