// The Figure 2 matrix at small scale: the same seven architectures × four methods at 32×32 grayscale on
// Fashion-MNIST (Debian's dataset-fashion-mnist, zero-padded 28 → 32), with a budget a 2-core CPU finishes overnight.
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/fashion-matrix.fsx
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let matrix =
    { Grid.named "figure2-fashion" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = Lsun.architectures 32 1
        Methods = Lsun.methods
        Seeds = [ 0 ]
        Iterations = 300
        PaperIterations = 200_000
        BatchSize = 64
        SampleCount = 64 }

let experiment = { Experiment.named "fashion-matrix" with Grids = [ matrix ] }
