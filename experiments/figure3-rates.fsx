// Figure 3's rates measured alone (issue 22, claim 4): seconds per generator iteration of each of the four runs at the
// main run's width (0.125), on a machine doing nothing else. Written to replace the pilot's timing grid
// (figure3-pilot2.fsx), whose 60-iteration cells logged every iteration: on a logged iteration a method without a
// penalty (wgan-clip, dcgan) also measured the critic's input-gradient norm with an extra critic pass, and the
// trainer's clock counted it, while the main run logs every 25th iteration. The trainer's clock now leaves that probe
// out (Trainer, TrainingSession.ProbeSeconds), so these rates are the training steps' own.
//
//   wgangp run experiments/figure3-rates.fsx --classifier fashion-mnist-32.weights --eval-every 200 --eval-samples 2000 --results <dir>
//
// A run's rate: (seconds at iteration 249 − seconds at iteration 9) / 240, from its cell's log.csv.
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let rates =
    { Grid.named "figure3-rates" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = [ Cifar.dcganAt 1 0.125 ]
        Methods = [ wganClipping; Cifar.wganGpRmsprop; Cifar.wganGp.WithName "wgan-gp-adam"; dcgan ]
        Seeds = [ 0 ]
        Iterations = 250
        BatchSize = 64
        SampleCount = 100 }

let experiment = { Experiment.named "figure3-rates" with Grids = [ rates ] }
