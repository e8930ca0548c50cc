// Issue 23, item 5: does `--precision bf16` (2-D convolutions in bfloat16, float32 weights) change how the DCGAN pair
// learns? WGAN-GP on the Figure 2 DCGAN pair at width 0.25, Fashion-MNIST 32x32x1, three seeds, 600 generator
// iterations; run once as it is and once with --precision bf16 (the commands are in results/bench/bf16.md).
//
// Criterion, written before the runs: bf16 leaves learning unchanged if, at every evaluation (150, 300, 450, 600), the
// mean cls_fid over the three seeds in bf16 differs from float32's by less than the spread (max - min) of float32's
// three seeds.
open WganGp.Core.Nets
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let grid =
    { Grid.named "bf16-check" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = [ Figure2(Figure2Variant.Dcgan, 32, 1, 0.25) ]
        Methods = [ wganGp ]
        Seeds = [ 0; 1; 2 ]
        Iterations = 600
        BatchSize = 64
        SampleCount = 2000 }

let experiment = { Experiment.named "bf16-check" with Grids = [ grid ] }
