// How to write a grid and define method variants in a script (the README's example; tested by WganGp.Tests).
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/variants.fsx --scale 0.1
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

/// A user-defined variant: the hinge critic loss with the gradient penalty, defined here, no trainer change.
let hinge =
    Method("wgan-gp-hinge",
           CriticLoss("hinge", fun real fake -> (1.0 - real).relu().mean() + (1.0 + fake).relu().mean()),
           Losses.WassersteinGenerator, GradientPenalty(10.0), AdamSpec(1e-4, 0.5, 0.9), 5)

let grid =
    { Grid.named "variants" with
        Datasets = [ Toy ToyKind.EightGaussians ]
        Architectures = [ Toy.mlp ]                            // 2-512-512-512 ReLU MLPs
        Methods = [ Toy.wganGp; Toy.wganGpLambda10; wganGpOneSided.WithName("one-sided"); hinge ]
        Optimizers = []                                        // empty: each method keeps its own optimiser
        Seeds = [ 0; 1; 2 ]
        Iterations = 2000
        Overrides = [ Override.forMethod "one-sided" (fun c -> { c with BatchSize = 128 }) ] }

let experiment = { Experiment.named "variants" with Grids = [ grid ] }
