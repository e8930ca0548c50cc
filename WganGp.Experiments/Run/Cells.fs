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

/// What a method's constraint declares about the critic it needs: all the networks learn of a method.
let needsOf (c: WganGp.Core.Methods.ILipschitzConstraint) = WganGp.Core.Nets.CriticNeeds(c.ToleratesBatchNorm, c.ClipsWeights)

/// The architecture's normaliser rule applied to what a method's constraint declares (`ArchitectureEntry.NormalisersFor`).
let normalisers (architecture: Architecture) (constraint': WganGp.Core.Methods.ILipschitzConstraint) : WganGp.Core.Nets.Normalisers =
    architecture.NormalisersFor(needsOf constraint')

/// Everything a cell's networks are built from, decided once: the one value that both training and cell.json read.
let networkSpec (architecture: Architecture) (method: WganGp.Core.Methods.Method) (init: WganGp.Core.Nets.InitScheme) (itemShape: int64[]) =
    WganGp.Core.Nets.NetworkSpec(normalisers architecture method.Constraint, init, itemShape, architecture.LatentDim)

/// Generator and critic factories and the latent size of an architecture built to a spec (built after the trainer
/// seeds torch).
let networksOf (architecture: Architecture) (spec: WganGp.Core.Nets.NetworkSpec) =
    let pair = architecture.Networks spec
    pair.Generator, pair.Critic, spec.LatentDim

/// The networks of an architecture under a method: its normalisers chosen from the method's constraint, then built.
let networks (architecture: Architecture) (method: WganGp.Core.Methods.Method) (init: WganGp.Core.Nets.InitScheme) (itemShape: int64[]) =
    networksOf architecture (networkSpec architecture method init itemShape)

/// The shape of one real item the architecture's critic takes.
let inputShape (architecture: Architecture) = architecture.InputShape

/// Whether data items of this shape fit the architecture (-1 in the expected shape: any size, e.g. the vocabulary).
let fits (architecture: Architecture) (itemShape: int64[]) =
    let expected = inputShape architecture
    expected.Length = itemShape.Length && Array.forall2 (fun e a -> e = -1L || e = a) expected itemShape

/// Problems with a grid that should stop a script before anything runs.
let validate (grid: Grid) =
    [ if grid.Datasets.IsEmpty then $"grid '{grid.Name}': Datasets is empty"
      if grid.Architectures.IsEmpty then $"grid '{grid.Name}': Architectures is empty"
      if grid.Methods.IsEmpty then $"grid '{grid.Name}': Methods is empty"
      if grid.Seeds.IsEmpty then $"grid '{grid.Name}': Seeds is empty"
      for architecture in grid.Architectures do
          for dataset in grid.Datasets do
              let entry = architecture
              let name = architecture.Name
              match entry.Data, dataset with
              | WganGp.Core.Data.DataKind.Images, Toy kind ->
                  $"grid '{grid.Name}': {name} is an image architecture and cannot train on {WganGp.Core.Data.ToyDataset.NameOf kind}"
              | WganGp.Core.Data.DataKind.Text, Toy kind ->
                  $"grid '{grid.Name}': {name} is the language model and cannot train on {WganGp.Core.Data.ToyDataset.NameOf kind}"
              | WganGp.Core.Data.DataKind.Points, Real data ->
                  $"grid '{grid.Name}': {name} is a 2-D toy architecture and cannot train on {data.Name}"
              | _ -> ()
              match Option.ofNullable entry.RequiredScaling, dataset with
              | Some scaling, Real data when data.Scaling <> scaling ->
                  $"grid '{grid.Name}': {name}: its generator's outputs are scaled {scaling} but {data.Name} is scaled {data.Scaling}; use a {scaling} preset of the dataset (e.g. Datasets.mnist, Datasets.fashionMnistZeroOne)"
              | _ -> ()
              for problem in entry.Problems() do
                  $"grid '{grid.Name}': {name}: {problem}"
              // What a method needs of the pair and the data, decided here rather than at its first training step.
              for method in grid.Methods |> List.filter _.NeedsClassLabels do
                  if not architecture.ClassConditional then
                      $"grid '{grid.Name}': {method.Name} needs a class-conditional pair (a conditional generator and a critic with a class head, e.g. CifarResNet true); {name} is not one"
                  match dataset with
                  | Real data when data.Format.Labelled -> ()
                  | _ -> $"grid '{grid.Name}': {method.Name} needs labelled data (IDX, CIFAR-10); {Names.dataset dataset} has no labels"
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
