// How to add a scorer in a script (the README's example; the test suite runs it and reads its score back):
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/custom-scorer.fsx
//   dotnet run --project WganGp.Experiments -c Release -- score runs/custom-scorer/<cell id> --script experiments/custom-scorer.fsx
// A scorer is an IScorer that declares the scores it writes (direction, companions); its registry entry says to which
// data it applies. Tables, curves and verdicts read the declarations; run, evaluations and `score` call the entry.
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

/// The squared maximum mean discrepancy between the samples and as many fresh points of the toy set, with a Gaussian
/// kernel of bandwidth 1 (biased estimate): 0 when the two are the same distribution.
type MmdScorer(kind: ToyKind) =
    interface IScorer with
        member _.Declares = [| ScoreDeclaration("mmd", Better.Lower) |]
        member _.Score(samples: torch.Tensor) =
            use scope = torch.NewDisposeScope()
            use real = ToyDataset.Create(kind, Defaults.referenceSeed)
            let x = samples.to_type torch.float64
            let y = (real.NextBatch(int samples.shape.[0])).to_type torch.float64
            let half = torch.tensor 0.5
            let kernel (a: torch.Tensor) (b: torch.Tensor) : torch.Tensor = torch.cdist(a, b).square().neg().mul(half).exp().mean()
            let mmd: torch.Tensor = (kernel x x).add(kernel y y).sub((kernel x y).mul(torch.tensor 2.0))
            readOnlyDict [ "mmd", mmd.item<float>() ]

do Scoring.register
    { Name = "mmd"; Declares = [ ScoreDeclaration("mmd", Better.Lower) ]; Follows = None
      Make = fun request -> match request.Dataset with Toy kind -> [ MmdScorer(kind) :> IScorer ] | Real _ -> [] }

let grid =
    { Grid.named "mmd" with
        Datasets = [ Toy ToyKind.EightGaussians ]
        Architectures = [ Toy.mlp ]
        Methods = [ Toy.wganGp ]
        Seeds = [ 0 ]
        Iterations = 300
        BatchSize = 256 }

let experiment = { Experiment.named "custom-scorer" with Grids = [ grid ] }
