// The Figure 2 matrix at small scale: the same seven architectures × four methods at 32×32 grayscale on
// Fashion-MNIST (Debian's dataset-fashion-mnist, zero-padded 28 → 32), with a budget a 2-core CPU finishes overnight.
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/fashion-matrix.fsx
// Budget: 250 generator iterations per cell at batch 64. From results/bench/step-32x32x3-batch16.md the 28 cells take
// 32.5 s per generator iteration together at batch 16 (the ResNet-101 row 62% of it); at batch 64, about four times
// that (~130 s), so roughly 9 hours for 250 (an estimate from the benchmark, not a measured run). `--cells gated-32c1`
// etc. runs one row.
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let matrix =
    { Grid.named "figure2-fashion" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = Lsun.architectures 32 1
        Methods = Lsun.methods
        Seeds = [ 0 ]
        Iterations = 250
        PaperIterations = 200_000
        BatchSize = 64
        SampleCount = 64 }

let experiment = { Experiment.named "fashion-matrix" with Grids = [ matrix ] }
