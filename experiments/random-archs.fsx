// Tables 1, 2 and 5: architectures sampled from Table 1's space (nonlinearity, depth, batch norm in G and D, base
// filters), each trained with WGAN-GP and with the standard GAN on 32×32 images (the paper used downsampled ImageNet;
// bring its PNGs, or point the dataset at any 32×32 folder). The paper sampled 200 architectures and trained 100k
// generator iterations each; the default here is 4 architectures at 1,000.
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/random-archs.fsx --data imagenet32=/data/imagenet32/train
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let count = 4

let grid =
    { Grid.named "random" with
        Datasets = [ Real(Datasets.imageFolder "imagenet32" "data/imagenet32/train" 32) ]
        Architectures = [ for seed in 0 .. count - 1 -> RandomArchitectures.sample seed ]
        Methods = [ Random.wganGp; Random.gan ]
        Seeds = [ 0 ]
        Iterations = 1000
        PaperIterations = 100_000
        BatchSize = 64
        SampleCount = 1000
        // Appendix B: a critic with batch or layer norm trains with weight decay 1e-3.
        Overrides = [ RandomArchitectures.criticWeightDecay ] }

let experiment = { Experiment.named "random-archs" with Grids = [ grid ] }
