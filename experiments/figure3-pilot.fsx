// Pilot for experiments/figure3.fsx: how long DCGAN's cls_fid takes to flatten on gan_cifar.py's pair (Fashion-MNIST
// 32x32x1) at widths 0.25 and 0.5, and what an iteration of each of the four runs costs at each width.
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let widths = [ 0.25; 0.5 ]

let dcganCurve =
    { Grid.named "pilot-dcgan" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = [ for w in widths -> Cifar.dcganAt 1 w ]
        Methods = [ dcgan ]
        Seeds = [ 0 ]
        Iterations = 8000
        BatchSize = 64
        SampleCount = 2000 }

let timing =
    { Grid.named "pilot-timing" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = [ for w in widths -> Cifar.dcganAt 1 w ]
        Methods = [ wganClipping; Cifar.wganGpRmsprop; Cifar.wganGp.WithName "wgan-gp-adam"; dcgan ]
        Seeds = [ 0 ]
        Iterations = 60
        BatchSize = 64
        SampleCount = 100 }

let experiment = { Experiment.named "figure3-pilot" with Grids = [ timing; dcganCurve ] }
