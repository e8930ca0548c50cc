/// Using a trained model: `wgangp sample` and `wgangp score` rebuild a run's generator from its cell.json and load it
/// from a checkpoint, without the grid script.
module WganGp.Experiments.TrainedRuns

open System
open System.IO
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Core.Training
open WganGp.Experiments.Dsl

/// Which checkpoint to load: the newest (default), `best`, or a file.
let checkpointPath (runDir: string) (which: string option) =
    let store = CheckpointStore runDir
    match which with
    | Some "best" ->
        if File.Exists store.BestPath then store.BestPath
        else raise (FileNotFoundException $"{store.BestPath} does not exist: the run kept no best checkpoint (it needs CheckpointOptions.BestBy)")
    | Some path -> path
    | None ->
        let latest = store.Latest(Action<string>(fun w -> eprintfn $"warning: {w}"))
        if latest.HasValue then (let struct (path, _) = latest.Value in path)
        else raise (FileNotFoundException $"{runDir}: no checkpoint in {store.Directory}; the run has not saved one yet")

/// The run's generator with the checkpoint's weights, its recipe and the checkpoint's header.
let loadGenerator (runDir: string) (which: string option) =
    let recipe = CellRecipe.read runDir
    let path = checkpointPath runDir which
    let generator = CellRecipe.generator recipe
    let header = Checkpoint.LoadGenerator(path, generator)
    generator, recipe, header, path

/// n samples from a seeded noise stream (the same seed gives the same samples), on the CPU, in the generator batches
/// the run's score protocol samples in (batch norm sees them), else its training batch.
let private draw (generator: torch.nn.Module<torch.Tensor, torch.Tensor>) (recipe: CellRecipe.Recipe) n (seed: int) =
    use noise = new torch.Generator(uint64 seed)
    Sampler.Sample(generator, n, recipe.Scoring.SampleBatch |> Option.defaultValue recipe.BatchSize, recipe.Networks.LatentDim, torch.CPU, noise)

let private scalingOf (recipe: CellRecipe.Recipe) =
    match recipe.Dataset with
    | Real data -> data.Scaling
    | Toy _ -> PixelScaling.MinusOneOne

/// Writes n samples: a PNG grid for images, text lines for the language model, CSV points for the toys.
let sample (runDir: string) (n: int) (out: string) (seed: int) (which: string option) (dataPath: string option) =
    if n < 1 then invalidArg "n" $"--n must be at least 1, got {n}"
    let generator, recipe, header, path = loadGenerator runDir which
    use _ = generator
    use samples = draw generator recipe n seed
    match recipe.Dataset with
    | Real data when data.Format.Data = DataKind.Text ->
        use source = Datasets.openReal data (defaultArg dataPath data.Path) 0L 1 ignore
        let lines = (Runner.sampleText recipe.Dataset source |> nonNull).Invoke samples
        AtomicFile.WriteText(out, String.Join("\n", lines) + "\n")
    | Real _ -> WganGp.Core.Data.Images.ImageGrid.SavePng(samples, scalingOf recipe, out)
    | Toy _ ->
        let values = samples.data<float32>().ToArray()
        let lines = [ "x,y" ] @ [ for i in 0 .. int samples.shape.[0] - 1 -> FormattableString.Invariant $"{values.[2 * i]},{values.[2 * i + 1]}" ]
        AtomicFile.WriteText(out, String.Join("\n", lines) + "\n")
    [ $"{n} samples of {recipe.Id} at generator iteration {header.Iteration} of {header.Iterations} ({Path.GetFileName path}), seed {seed}: {out}" ]

/// Scores n fresh samples of the run (None: as many as the run scored) with the scorers the registry gives its data
/// (`Scoring.forDataset`, as the run itself had), under the run's score protocol; returns the lines to print (scores
/// with their protocol). `relocate` says where a real dataset is now.
let score (runDir: string) (n: int option) (seed: int) (which: string option) (scoring: Scoring.Options) (relocate: RealData -> string) =
    match n with
    | Some n when n < 2 -> invalidArg "n" $"--n must be at least 2, got {n}"
    | _ -> ()
    let generator, recipe, header, path = loadGenerator runDir which
    let n = n |> Option.defaultValue recipe.SampleCount
    use _ = generator
    use samples = draw generator recipe n seed
    let chosen, _ = Scoring.forDataset scoring recipe.Scoring relocate None recipe.Dataset
    if chosen.IsEmpty then
        failwith $"{recipe.Id}: no scorer for {Names.dataset recipe.Dataset}: pass --classifier FILE (MNIST-like data) or --inception FILE"
    [ yield $"{recipe.Id} at generator iteration {header.Iteration} of {header.Iterations} ({Path.GetFileName path}); {n} samples, seed {seed}"
      for scorer in chosen do
          for kv in scorer.Score samples do
              yield FormattableString.Invariant $"{kv.Key} {kv.Value:G6}"
          for kv in scorer.Protocol do
              yield $"  protocol {kv.Key}: {kv.Value}" ]
