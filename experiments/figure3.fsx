// Figure 3 as the paper ran it (spec/paper.md §5a), at a small scale: gan_cifar.py's DCGAN-style pair, here for 32×32
// grayscale (Fashion-MNIST from Debian's dataset-fashion-mnist, 28 → 32 zero-padded) at a width chosen by a pilot, and
// the figure's four runs, three seeds each:
//   wgan-clip        WGAN with weight clipping, RMSProp(5e-5) (gan_cifar.py's mode wgan)
//   wgan-gp-rmsprop  WGAN-GP with the same RMSProp and learning rate (the paper's run; gan_cifar.py has no switch for it)
//   wgan-gp-adam     WGAN-GP with Adam(1e-4, β = (0.5, 0.9)) (gan_cifar.py's mode wgan-gp)
//   dcgan            DCGAN, Adam(2e-4, β = (0.5, 0.999)) (gan_cifar.py's mode dcgan)
// WGAN-GP and clipping take 5 critic steps per generator iteration, DCGAN 1; batch 64; λ = 10; the critic has no
// normaliser under WGAN-GP and batch norm otherwise, as gan_cifar.py. Scored by the dataset classifier (cls_fid,
// cls_kid, cls_is and their held-out real ceilings) on 2,000 samples every `evaluateEvery` generator iterations:
//
//   wgangp classifier train --dataset fashion-mnist --pad 32 --out classifiers/fashion-mnist-32.weights
//   wgangp run experiments/figure3.fsx --classifier classifiers/fashion-mnist-32.weights \
//       --eval-every 100 --eval-samples 2000 --results <dir>
//   wgangp table <dir> --script experiments/figure3.fsx
//
// (--eval-every is `evaluateEvery` below: the claims are read at that resolution.)
//
// Width and budget: PROVISIONAL. `width`, `iterations` and `evaluateEvery` are chosen by a pilot run before the main
// run, so that DCGAN's curve has flattened by the end, within about 10 hours of machine time in all and no cell longer
// than about 2 hours. The pilot's command, its numbers and the reason for each value go here, replacing this paragraph:
//   pilot: (to be filled in by the lead)
// The values below only let `wgangp plan experiments/figure3.fsx` list the grid until then.
//
// Pre-registered claims (written before the grid ran; they are the paper's Figure 3 claims, §5a: "GP beats clipping
// even with the same optimiser and converges faster; Adam improves further; DCGAN is faster in wall-clock but GP's score
// is more stable at convergence"). The score is cls_fid (lower is better), read from each cell's evaluations.csv.
// - Over seeds: every claim compares every seed of one run with every seed of the other and holds only when the first
//   is better in all nine pairings (the worst of its three seeds beats the best of the other's three). If the two runs
//   did not differ, the chance of that is 1/20: the one-sided exact rank test at p = 0.05. A diverged or failed seed
//   counts as the worst on every measure. A claim is undecided until all twelve cells are done.
// - "Ends better": a seed's end is its cls_fid at its last evaluation (the end of training).
// - "Reaches the level sooner": the level of a run is halfway on a log scale from its untrained score to the worst of
//   its seeds' best scores, L = √(U·B): U the geometric mean of its seeds' cls_fid at iteration 0, B the highest over
//   its seeds of each seed's lowest cls_fid after iteration 0. Every seed of the run reaches it, well before its end.
//   A seed's time to the level is its first evaluation after iteration 0 at or below L, in generator iterations or in
//   training seconds (evaluations.csv's seconds: evaluations, sample grids and checkpoints excluded); a seed that never
//   gets there is later than any that does. The level is the faster-claimed run's own, so the claim asks whether the
//   other run gets to where the first one gets halfway, later; a level from DCGAN (where it ends) could lie beyond what
//   the RMSProp runs ever reach and leave their comparison empty.
// - "Steadier at the end": a seed's late spread is the standard deviation (n − 2 degrees of freedom) of the residuals
//   of ln cls_fid about its least-squares line against generator iterations, over the evaluations in the last fifth of
//   training (iteration ≥ 0.8 × the budget). The line takes out a trend that is still falling, so a curve that is
//   still improving smoothly is not counted as unstable; fewer than three such evaluations: the claim does not hold.
// The claims, in the order summary.md lists them:
//   1. WGAN-GP beats clipping with the same optimiser: every wgan-gp-rmsprop seed ends below every wgan-clip seed.
//   2. ... and gets there sooner: every wgan-gp-rmsprop seed reaches wgan-gp-rmsprop's level in fewer generator
//      iterations than any wgan-clip seed.
//   3. Adam improves on RMSProp for WGAN-GP: (a) every wgan-gp-adam seed ends below every wgan-gp-rmsprop seed; (b) every
//      wgan-gp-adam seed reaches wgan-gp-adam's level in fewer generator iterations than any wgan-gp-rmsprop seed.
//   4. DCGAN is faster in wall-clock: every dcgan seed reaches dcgan's level in fewer training seconds than any
//      wgan-gp-adam seed.
//   5. WGAN-GP's score is more stable at convergence: every wgan-gp-adam seed has a smaller late spread than every
//      dcgan seed.
// Each cell also gets the fashion matrix's verdict (progress = (ln F0 − ln F) / (ln F0 − ln R) at the last evaluation;
// trains ≥ 0.5, fails < 0.25), for reading the cells; the claims above do not use it.
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

/// gan_cifar.py's DIM (128) times this. Chosen by the pilot (provisional: DIM 64).
let width = 0.5
/// Generator iterations per cell. Chosen by the pilot (provisional).
let iterations = 5000
/// Generator iterations between evaluations (`--eval-every`). Chosen with the budget (provisional: 50 evaluations).
let evaluateEvery = 100

let architecture = Cifar.dcganAt 1 width
let pair = Names.architecture architecture

let wganGpAdam = Cifar.wganGp.WithName "wgan-gp-adam"

let figure3 =
    { Grid.named "figure3-fashion" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = [ architecture ]
        Methods = [ wganClipping; Cifar.wganGpRmsprop; wganGpAdam; dcgan ]
        Seeds = [ 0; 1; 2 ]
        Iterations = iterations
        PaperIterations = 200_000
        BatchSize = 64
        SampleCount = 5000
        Criteria =
            Some
                { Score = "cls_fid"; Trains = 0.5; Fails = 0.25
                  Claims =
                    [ EndsBetter("wgan-gp-rmsprop", "wgan-clip", pair)
                      ReachesLevelSooner("wgan-gp-rmsprop", "wgan-clip", pair, GeneratorIterations)
                      EndsBetter("wgan-gp-adam", "wgan-gp-rmsprop", pair)
                      ReachesLevelSooner("wgan-gp-adam", "wgan-gp-rmsprop", pair, GeneratorIterations)
                      ReachesLevelSooner("dcgan", "wgan-gp-adam", pair, TrainingSeconds)
                      SteadierAtEnd("wgan-gp-adam", "dcgan", pair) ] } }

let experiment = { Experiment.named "figure3" with Grids = [ figure3 ] }
