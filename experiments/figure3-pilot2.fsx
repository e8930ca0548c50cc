// Second pilot for experiments/figure3.fsx. The first (figure3-pilot.fsx) found DCGAN at width 0.25 still falling at 8,000
// iterations (cls_fid 24.7 at 6,000, 20.5 at 8,000) and width 0.5 about 3x as costly per iteration. This one: what an
// iteration of each run costs at width 0.125, how long DCGAN takes to flatten there (12,000 iterations), and DCGAN at
// width 0.25 run on to 16,000 iterations (seed 1: the first pilot's seed 0 also shows the seed spread).
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let timing =
    { Grid.named "pilot2-timing" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = [ Cifar.dcganAt 1 0.125 ]
        Methods = [ wganClipping; Cifar.wganGpRmsprop; Cifar.wganGp.WithName "wgan-gp-adam"; dcgan ]
        Seeds = [ 0 ]
        Iterations = 60
        BatchSize = 64
        SampleCount = 100 }

let narrow =
    { Grid.named "pilot2-dcgan-narrow" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = [ Cifar.dcganAt 1 0.125 ]
        Methods = [ dcgan ]
        Seeds = [ 0 ]
        Iterations = 12000
        BatchSize = 64
        SampleCount = 2000 }

let longer =
    { narrow with
        Name = "pilot2-dcgan-longer"
        Architectures = [ Cifar.dcganAt 1 0.25 ]
        Seeds = [ 1 ]
        Iterations = 16000 }

let experiment = { Experiment.named "figure3-pilot2" with Grids = [ timing; narrow; longer ] }
