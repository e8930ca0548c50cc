// How to define an architecture in a script (the README's example; the test suite takes it through plan, run, table,
// sample and score as separate processes):
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/custom-architecture.fsx
//   dotnet run --project WganGp.Experiments -c Release -- sample runs/custom-architecture/<cell id> --script experiments/custom-architecture.fsx
// An architecture is a class deriving from ArchitectureEntry with a kind: its constructor's arguments are what cell.json
// records, so `sample` and `score` rebuild it from a run directory once they are given the script that defines it.
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Nets
open WganGp.Core.Registry
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

type Net = torch.nn.Module<torch.Tensor, torch.Tensor>

/// x + W₂ relu(W₁ x): a residual block of the MLP.
type ResidualBlock(width: int) as this =
    inherit Net("residual_block")
    let inner = torch.nn.Linear(int64 width, int64 width)
    let outer = torch.nn.Linear(int64 width, int64 width)
    do this.RegisterComponents()
    override _.forward x = x + outer.call (torch.nn.functional.relu (inner.call x))

/// input → width, `blocks` residual blocks, → output; ReLU between.
type ResidualMlp(input: int, width: int, output: int, blocks: int) as this =
    inherit Net("residual_mlp")
    let first = torch.nn.Linear(int64 input, int64 width)
    let body = torch.nn.ModuleList<ResidualBlock>([| for _ in 1 .. blocks -> new ResidualBlock(width) |])
    let last = torch.nn.Linear(int64 width, int64 output)
    do this.RegisterComponents()
    override _.forward x =
        let hidden = body |> Seq.fold (fun h block -> block.call h) (torch.nn.functional.relu (first.call x))
        last.call (torch.nn.functional.relu hidden)

/// The pair for 2-D points: a residual MLP generator (latent size 2, as gan_toy.py's) and critic, no normaliser (so
/// any method's constraint is satisfied). `Name` goes into cell ids; Width and Blocks into cell.json.
[<Kind("residual-mlp")>]
type ResidualMlpPair(width: int, blocks: int) =
    inherit ArchitectureEntry()
    member _.Width = width
    member _.Blocks = blocks
    override _.Name = $"resmlp{width}x{blocks}"
    override _.InputShape = [| 2L |]
    override _.LatentDim = 2
    override _.Data = DataKind.Points
    override _.Networks spec =
        NetworkFactories((fun () -> new ResidualMlp(spec.LatentDim, width, 2, blocks) :> Net),
                         (fun () -> new ResidualMlp(2, width, 1, blocks) :> Net))
    override _.Problems() =
        [ if width < 1 then $"width must be at least 1, got {width}"
          if blocks < 0 then $"blocks must be at least 0, got {blocks}" ]

/// The residual pair beside gan_toy.py's MLP, both under WGAN-GP, on the 8 Gaussians.
let grid =
    { Grid.named "residual" with
        Datasets = [ Toy ToyKind.EightGaussians ]
        Architectures = [ ResidualMlpPair(128, 2); Toy.mlp ]
        Methods = [ Toy.wganGp ]
        Seeds = [ 0 ]
        Iterations = 500
        BatchSize = 256 }

let experiment = { Experiment.named "custom-architecture" with Grids = [ grid ] }
