// CIFAR-10 (spec §5): Figure 3's four runs with gan_cifar.py's DCGAN-style pair, and Table 3's ResNet
// (gan_cifar_resnet.py), unconditional and AC-WGAN-GP. Either published version of CIFAR-10 is read.
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/cifar10.fsx --paper --data cifar10=/data/cifar-10-batches-py cifar10-dequantized=/data/cifar-10-batches-py
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

/// Figure 3: weight clipping (RMSProp), WGAN-GP with RMSProp, WGAN-GP with Adam, DCGAN; 200k generator iterations;
/// scored as gan_cifar.py (1,000 samples in batches of 100, every 1,000 iterations with --paper).
let figure3 =
    { Grid.named "figure3" with
        Datasets = [ Real(Datasets.cifar10 "data/cifar-10-batches-py") ]
        Architectures = [ Cifar.dcganPair ]
        Methods = Cifar.figure3
        Seeds = [ 0 ]
        Iterations = 2000
        PaperIterations = 200_000
        BatchSize = 64
        SampleCount = 1000
        Scoring = Cifar.ganCifarScoring }

/// Table 3: the ResNet unsupervised and with AC-GAN conditioning (two grids: each network with its method); 100k
/// generator iterations, learning rate decayed linearly to 0, dequantised inputs, generator batches of 128 against the
/// critic's 64, the generator's batch norm on the two towers' halves. Scored as gan_cifar_resnet.py: with --paper on
/// 50,000 samples in 10 splits (the default budget keeps 1,000, which is not comparable with the paper's numbers).
let table3 =
    { Grid.named "table3-unsupervised" with
        Datasets = [ Real(Datasets.cifar10Dequantized "data/cifar-10-batches-py") ]
        Architectures = [ CifarResNet false ]
        Methods = [ Cifar.resnetWganGp ]
        Seeds = [ 0 ]
        Iterations = 1000
        PaperIterations = 100_000
        BatchSize = 64
        SampleCount = 1000
        Scoring = Cifar.ganCifarResnetScoring }

let table3Supervised =
    { table3 with Name = "table3-supervised"; Architectures = [ CifarResNet true ]; Methods = [ Cifar.acWganGp ] }

let experiment = { Experiment.named "cifar10" with Grids = [ figure3; table3; table3Supervised ] }
