// Figure 2: the seven 64×64 architectures × the four methods on LSUN bedrooms, with gan_64x64.py's settings
// (batch 64, each method's optimiser and critic steps, 200k generator iterations with --paper).
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/lsun-matrix.fsx --paper --data lsun-bedroom=/data/lsun/bedroom_train_lmdb
// Without --data the database is looked for at data/lsun/bedroom_train_lmdb. Any folder of photos works in its place:
//   ... --data lsun-bedroom=/path/to/images   (after changing the dataset below to Datasets.imageFolder)
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let matrix =
    { Grid.named "figure2" with
        Datasets = [ Real(Datasets.lsunBedrooms "data/lsun/bedroom_train_lmdb") ]
        Architectures = Lsun.architectures 64 3
        Methods = Lsun.methods
        Seeds = [ 0 ]
        Iterations = 2000
        PaperIterations = 200_000
        BatchSize = 64
        SampleCount = 64 }

let experiment = { Experiment.named "lsun-matrix" with Grids = [ matrix ] }
