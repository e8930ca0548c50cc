// gan_mnist.py's pair on Fashion-MNIST (Debian's dataset-fashion-mnist, 28×28, in [0, 1] as gan_mnist.py scales MNIST) under WGAN-GP, weight clipping and
// DCGAN, scored by a Fashion-MNIST classifier (Inception weights do not apply to it): classifier IS, FID and KID in
// its 128-d penultimate features, beside the same scores of the real test split (the ceiling).
//   wgangp classifier train --dataset fashion-mnist --out classifiers/fashion-mnist-28.weights
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/fashion-mnist.fsx --classifier classifiers/fashion-mnist-28.weights
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let grid =
    { Grid.named "mnist-pair" with
        Datasets = [ Real Datasets.fashionMnistZeroOne ]
        Architectures = [ MnistDcgan ]
        Methods = Mnist.methods
        Seeds = [ 0 ]
        Iterations = 300
        PaperIterations = 200_000
        BatchSize = 50
        SampleCount = 2000 }

let experiment = { Experiment.named "fashion-mnist" with Grids = [ grid ] }
