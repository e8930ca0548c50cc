// The Figure 2 matrix at small scale: Figure 2's seven architectures × the four methods of gan_64x64.py, each with its
// paper optimiser and critic steps, at 32×32 grayscale on Fashion-MNIST (Debian's dataset-fashion-mnist, 28 → 32
// zero-padded), scored by the dataset classifier (cls_fid, cls_kid, cls_is and their held-out real ceilings).
//
//   wgangp classifier train --dataset fashion-mnist --pad 32 --out classifiers/fashion-mnist-32.weights
//   wgangp run experiments/fashion-matrix.fsx --classifier classifiers/fashion-mnist-32.weights \
//       --eval-every 100 --eval-samples 2000 --results <dir>
//
// The budget, chosen by measurement (results/bench/step-32x32x1-batch64.md: `wgangp bench step --size 32 --channels 1
// --batch-size 64 --iterations 5 --warmup 1 --widths 1 0.5 0.25`, 2 cores):
// - At the paper's width (DIM 64) one generator iteration of all 28 cells, one after the other, takes 101 s (the
//   ResNet-101 row 62 s of it): 8 hours buy under 290 generator iterations per cell, too few to show a sample.
// - At width 0.25 (DIM 16: the DCGAN critic 1→16→32→64 channels, a 128-wide MLP generator) the same takes 16.6 s
//   (the ResNet-101 row 12.9 s). Every channel count stays at 16 or a multiple of 32, so the convolution route pads
//   only the ResNet-101 bottlenecks of 8 channels.
// - 1,200 generator iterations per cell then cost about 19,900 s of steps, plus 13 evaluations per cell of 2,000
//   samples (iteration 0 and every 100; a few seconds each, ~0.5 h in all) and the final 5,000-sample scores: about
//   6 hours of the 8 on 2 cores, leaving room for a shared machine. 1,500 iterations would take ~7.5 hours.
//   Batch 64 as the paper; WGAN-GP and clipping take 5 critic steps per generator iteration, DCGAN and LSGAN 1.
//
// Pre-registered criteria (written before the matrix ran; README "Figure 2 and 3 on Fashion-MNIST"):
// - A cell's progress is (ln F0 − ln F) / (ln F0 − ln R): F its cls_fid at the last evaluation (iteration 1,200),
//   F0 the same cell's untrained generator (the evaluation at iteration 0), R cls_fid_real (2,000 held-out test
//   images against the same 5,000 training images), all at 2,000 samples. It is the share of the distance on a log
//   scale from the untrained generator to real data that training closed.
// - "trains": progress ≥ 0.5 (cls_fid at or below the geometric mean of F0 and R); "fails": progress < 0.25, or the
//   run diverged or failed; "partial" in between.
// - Figure 2's claim holds at this scale if WGAN-GP trains all seven architectures and no other method trains all
//   seven; it fails otherwise (each half is reported on its own).
// - Figure 3's claims, read on the DCGAN architecture's four cells from the evaluations every 100 iterations: WGAN-GP
//   reaches "trains" at an earlier evaluation than weight clipping (in generator iterations; clipping never reaching
//   it counts as later, a tie does not hold), and within 2x DCGAN's training seconds to reach it.
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let width = 0.25
let baseline = Names.architecture (Figure2(WganGp.Core.Nets.Figure2Variant.Dcgan, 32, 1, width))

let matrix =
    { Grid.named "figure2-fashion" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = Lsun.architecturesAt width 32 1
        Methods = Lsun.methods
        Seeds = [ 0 ]
        Iterations = 1200
        PaperIterations = 200_000
        BatchSize = 64
        SampleCount = 5000
        Criteria =
            Some
                { Score = "cls_fid"; Trains = 0.5; Fails = 0.25
                  Claims =
                    [ TrainsEvery "wgan-gp"
                      OnlyTrainsEvery "wgan-gp"
                      ReachesSooner("wgan-gp", "wgan-clip", baseline, GeneratorIterations)
                      ReachesWithin("wgan-gp", "dcgan", baseline, TrainingSeconds, 2.0) ] } }

let experiment = { Experiment.named "fashion-matrix" with Grids = [ matrix ] }
