/// Grid expansion: a grid becomes cells, each with a stable id derived from its settings.
module WganGp.Experiments.Cells

open System
open System.Security.Cryptography
open System.Text
open System.Text.Json
open WganGp.Experiments.Dsl

/// How much to train: the script's default budget scaled, or the paper's budget.
type Budget =
    | Scaled of float
    | PaperBudget

let iterations budget defaultIterations paperIterations =
    match budget with
    | PaperBudget -> paperIterations
    | Scaled factor -> max 1 (int (Math.Round(float defaultIterations * factor)))

/// A score protocol's fields for a cell's id (PaperSamples is left out: the cell's SampleCount already holds it).
let private scoringJson (p: ScoreProtocol) =
    dict [ "splits", box p.Splits
           "sample_batch", box (Option.toNullable p.SampleBatch)
           "rounding", box (string p.Rounding)
           match p.PaperEvaluation with
           | Some e -> "paper_evaluation", box (dict [ "every", e.Every; "samples", e.Samples ])
           | None -> () ]

/// Every setting that changes what a cell computes, as canonical JSON (the method's full description included).
let settingsJson (cell: Cell) =
    JsonSerializer.Serialize(
        dict [ "experiment", box cell.Experiment
               "grid", box cell.Grid
               "dataset", box (Names.dataset cell.Dataset)
               // A real dataset's format and scaling change what is computed; its path does not (the data may move).
               match cell.Dataset with
               | Real data -> "data", box $"{Names.format data.Format}, {data.Scaling}"
               | Toy _ -> ()
               "architecture", box (Names.architecture cell.Architecture)
               "method", box (cell.Method.Describe())
               "seed", box cell.Seed
               "iterations", box cell.Iterations
               "batch_size", box cell.BatchSize
               "sample_count", box cell.SampleCount
               // Only when not the default, so ids of tflib-initialised cells stay as they were.
               if cell.Init <> WganGp.Core.Nets.InitScheme.Tflib then "init", box (string cell.Init)
               // Likewise only when not this project's own protocol (it changes the scores, and sampling changes them too).
               if cell.Scoring <> ScoreProtocol.standard then "scoring", box (scoringJson cell.Scoring) ])

/// `<dataset>-<architecture>-<method>-s<seed>-<hash>`: readable, and different whenever any setting differs (the
/// hash covers the optimiser, λ, iterations, ...), equal for equal settings across runs and machines.
let id (cell: Cell) =
    let hash = SHA256.HashData(Encoding.UTF8.GetBytes(settingsJson cell))
    let short = Convert.ToHexString(hash).Substring(0, 8).ToLowerInvariant()
    $"{Names.dataset cell.Dataset}-{Names.architecture cell.Architecture}-{cell.Method.Name}-s{cell.Seed}-{short}"

type private Net = TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>

/// The normalisers a cell's networks are built with: the critic's, and the generator's where the architecture's script
/// makes it depend on the method (None: the architecture fixes it).
type Normalisers = { Generator: WganGp.Core.Nets.Normalization option; Critic: WganGp.Core.Nets.Normalization }

/// Each script's normaliser rule, applied once where a cell is built to what the method's constraint declares (never
/// to its type, so a new penalty that does not tolerate batch norm gets the per-sample replacement without any change
/// to the networks).
let normalisers (architecture: Architecture) (constraint': WganGp.Core.Methods.ILipschitzConstraint) : Normalisers =
    let tolerates = constraint'.ToleratesBatchNorm
    match architecture with
    // gan_64x64.py's Normalize: layer norm in a critic that cannot have batch norm.
    | Figure2 _ -> { Generator = None; Critic = if tolerates then WganGp.Core.Nets.Normalization.Batch else WganGp.Core.Nets.Normalization.Layer }
    // gan_cifar.py: no normaliser in the critic in mode wgan-gp.
    | CifarDcgan -> { Generator = None; Critic = if tolerates then WganGp.Core.Nets.Normalization.Batch else WganGp.Core.Nets.Normalization.None }
    // gan_mnist.py: batch norm in both networks only in mode 'wgan' (weight clipping).
    | MnistDcgan ->
        let norm = if constraint'.ClipsWeights then WganGp.Core.Nets.Normalization.Batch else WganGp.Core.Nets.Normalization.None
        { Generator = Some norm; Critic = norm }
    // Appendix B: "layer norm instead" where a sampled critic is normalised.
    | RandomArch r -> { Generator = None; Critic = r.CriticNorm tolerates }
    // gan_cifar_resnet.py (NORMALIZATION_D = False), gan_language.py and gan_toy.py: never.
    | ToyMlp _ | CifarResNet _ | CharResNet -> { Generator = None; Critic = WganGp.Core.Nets.Normalization.None }

/// Generator and critic factories and the latent size of an architecture with the given normalisers, for data items of
/// the given shape (built after the trainer seeds torch).
let networksWith (architecture: Architecture) (norms: Normalisers) (init: WganGp.Core.Nets.InitScheme) (itemShape: int64[]) =
    let factory (make: unit -> Net) = Func<Net>(make)
    let norm = norms.Critic
    match architecture with
    | ToyMlp (width, layers) ->
        factory (fun () -> new WganGp.Core.Nets.Mlp(2, width, 2, layers, init = init)),
        factory (fun () -> new WganGp.Core.Nets.Mlp(2, width, 1, layers, init = init)),
        2
    | Figure2 (variant, size, channels, width) ->
        let dim = Figure2Width.dim width
        factory (fun () -> WganGp.Core.Nets.Figure2.Generator(variant, size, channels, dim, init = init)),
        factory (fun () -> WganGp.Core.Nets.Figure2.Critic(variant, norm, size, channels, dim, init = init)),
        128
    | CifarResNet conditional ->
        factory (fun () -> new WganGp.Core.Nets.CifarResNetGenerator(conditional, init = init)),
        factory (fun () -> new WganGp.Core.Nets.CifarResNetCritic(conditional, init = init)),
        128
    | CifarDcgan ->
        factory (fun () -> new WganGp.Core.Nets.CifarDcganGenerator(init = init)),
        factory (fun () -> new WganGp.Core.Nets.CifarDcganCritic(norm = norm, init = init)),
        128
    | MnistDcgan ->
        let generatorNorm = norms.Generator |> Option.defaultValue norm
        factory (fun () -> new WganGp.Core.Nets.MnistDcganGenerator(norm = generatorNorm, init = init)),
        factory (fun () -> new WganGp.Core.Nets.MnistDcganCritic(norm = norm, init = init)),
        128
    | CharResNet ->
        // Items are one-hot [length, V]: the vocabulary size is the data's.
        let length, vocabulary = int itemShape.[0], int itemShape.[1]
        factory (fun () -> new WganGp.Core.Nets.LanguageGenerator(vocabulary, length, init = init)),
        factory (fun () -> new WganGp.Core.Nets.LanguageCritic(vocabulary, length, init = init)),
        128
    | RandomArch r ->
        factory (fun () -> r.NewGenerator(init = init)),
        factory (fun () -> r.NewCritic(norm, init)),
        128

/// The networks of an architecture under a method: its normalisers chosen from the method's constraint, then built.
let networks (architecture: Architecture) (method: WganGp.Core.Methods.Method) (init: WganGp.Core.Nets.InitScheme) (itemShape: int64[]) =
    networksWith architecture (normalisers architecture method.Constraint) init itemShape

/// The shape of one real item the architecture's critic takes.
let inputShape =
    function
    | ToyMlp _ -> [| 2L |]
    | Figure2 (_, size, channels, _) -> [| int64 channels; int64 size; int64 size |]
    | CifarResNet _ | CifarDcgan | RandomArch _ -> [| 3L; 32L; 32L |]
    | MnistDcgan -> [| 1L; 28L; 28L |]
    | CharResNet -> [| 32L; -1L |]

/// Whether data items of this shape fit the architecture (-1 in the expected shape: any size, e.g. the vocabulary).
let fits (architecture: Architecture) (itemShape: int64[]) =
    let expected = inputShape architecture
    expected.Length = itemShape.Length && Array.forall2 (fun e a -> e = -1L || e = a) expected itemShape

let private isImageArchitecture =
    function
    | ToyMlp _ | CharResNet -> false
    | Figure2 _ | CifarResNet _ | CifarDcgan | MnistDcgan | RandomArch _ -> true

/// Problems with a grid that should stop a script before anything runs.
let validate (grid: Grid) =
    [ if grid.Datasets.IsEmpty then $"grid '{grid.Name}': Datasets is empty"
      if grid.Architectures.IsEmpty then $"grid '{grid.Name}': Architectures is empty"
      if grid.Methods.IsEmpty then $"grid '{grid.Name}': Methods is empty"
      if grid.Seeds.IsEmpty then $"grid '{grid.Name}': Seeds is empty"
      for architecture in grid.Architectures do
          for dataset in grid.Datasets do
              match architecture, dataset with
              | CharResNet, Toy kind ->
                  $"grid '{grid.Name}': {Names.architecture architecture} is the language model and cannot train on {WganGp.Core.Data.ToyDataset.NameOf kind}"
              | ToyMlp _, Real data ->
                  $"grid '{grid.Name}': {Names.architecture architecture} is a 2-D toy architecture and cannot train on {data.Name}"
              | MnistDcgan, Real data when data.Scaling <> WganGp.Core.Data.PixelScaling.ZeroOne ->
                  $"grid '{grid.Name}': mnist-dcgan's generator ends in a sigmoid ([0, 1]) but {data.Name} is scaled {data.Scaling}; use a ZeroOne preset (Datasets.mnist, Datasets.fashionMnistZeroOne)"
              | a, Toy kind when isImageArchitecture a ->
                  $"grid '{grid.Name}': {Names.architecture architecture} is an image architecture and cannot train on {WganGp.Core.Data.ToyDataset.NameOf kind}"
              | Figure2 (WganGp.Core.Nets.Figure2Variant.ResNet101, size, _, _), _ when size <> 32 && size <> 64 ->
                  $"grid '{grid.Name}': {Names.architecture architecture}: the ResNet-101 pair is defined at 32 or 64, got {size}"
              | Figure2 (_, size, _, _), _ when size < 8 || size &&& (size - 1) <> 0 ->
                  $"grid '{grid.Name}': {Names.architecture architecture}: size must be a power of two of at least 8, got {size}"
              | Figure2 (variant, size, _, width), _ ->
                  match Figure2Width.check variant size width with
                  | Some problem -> $"grid '{grid.Name}': {Names.architecture architecture}: {problem}"
                  | None -> ()
              | _ -> ()
      if grid.Iterations < 1 then $"grid '{grid.Name}': Iterations must be at least 1, got {grid.Iterations}"
      if grid.BatchSize < 1 then $"grid '{grid.Name}': BatchSize must be at least 1, got {grid.BatchSize}"
      if grid.SampleCount < 2 then $"grid '{grid.Name}': SampleCount must be at least 2, got {grid.SampleCount}"
      match grid.Scoring.PaperSamples with
      | Some n when n < grid.Scoring.Splits -> $"grid '{grid.Name}': Scoring.PaperSamples ({n}) must be at least Scoring.Splits ({grid.Scoring.Splits})"
      | _ -> ()
      if grid.Scoring.Splits < 1 then $"grid '{grid.Name}': Scoring.Splits must be at least 1, got {grid.Scoring.Splits}"
      match grid.Scoring.SampleBatch with
      | Some b when b < 1 -> $"grid '{grid.Name}': Scoring.SampleBatch must be at least 1, got {b}"
      | _ -> ()
      match grid.Scoring.PaperEvaluation with
      | Some e when e.Every < 1 || e.Samples < 2 -> $"grid '{grid.Name}': Scoring.PaperEvaluation needs Every ≥ 1 and Samples ≥ 2, got {e}"
      | _ -> ()
      let names = grid.Methods |> List.map (fun m -> m.Name)
      for dup in names |> List.countBy (fun n -> n) |> List.filter (fun (_, n) -> n > 1) |> List.map fst do
          $"grid '{grid.Name}': two methods are named '{dup}'; give variants distinct names (Method.WithName)" ]
    |> List.distinct

/// The Cartesian product datasets × architectures × methods × optimisers × seeds, then the overrides in order.
let expand (experiment: string) (budget: Budget) (grid: Grid) : Cell list =
    let optimizers = if grid.Optimizers.IsEmpty then [ None ] else grid.Optimizers |> List.map Some
    [ for dataset in grid.Datasets do
          for architecture in grid.Architectures do
              for method in grid.Methods do
                  for optimizer in optimizers do
                      for seed in grid.Seeds do
                          let method =
                              match optimizer with
                              | None -> method
                              | Some o -> method.WithOptimizer(o).WithName($"{method.Name}-{o.ToString().Split('(').[0].ToLowerInvariant()}")
                          let cell =
                              { Experiment = experiment; Grid = grid.Name; Dataset = dataset; Architecture = architecture
                                Method = method; Seed = seed
                                Iterations = iterations budget grid.Iterations grid.PaperIterations
                                BatchSize = grid.BatchSize
                                SampleCount =
                                    match budget, grid.Scoring.PaperSamples with
                                    | PaperBudget, Some n -> n
                                    | _ -> grid.SampleCount
                                Init = grid.Init; Scoring = grid.Scoring }
                          grid.Overrides |> List.fold (fun c o -> if o.Where c then o.Change c else c) cell ]

/// All cells of an experiment; fails with every validation message when a grid is malformed or ids collide.
let ofExperiment (budget: Budget) (experiment: Experiment) : Result<Cell list, string list> =
    match experiment.Grids |> List.collect validate with
    | [] ->
        let cells = experiment.Grids |> List.collect (expand experiment.Name budget)
        let duplicates = cells |> List.countBy id |> List.filter (fun (_, n) -> n > 1) |> List.map fst
        if duplicates.IsEmpty then Ok cells
        else Error [ for d in duplicates -> $"cell {d} appears more than once (identical settings in two grids?)" ]
    | errors -> Error errors
