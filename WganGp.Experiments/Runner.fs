/// Runs the cells and figures of an experiment into results/<experiment>/ and tabulates them. This is the only place
/// with I/O side effects beyond the core's run directories.
module WganGp.Experiments.Runner

open System
open System.Collections.Generic
open System.IO
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Core.Training
open WganGp.Experiments.Dsl

type Options =
    { /// results/<experiment>/ goes under this folder.
      ResultsRoot: string
      Budget: Cells.Budget
      /// Run only the cells whose id contains one of these strings (all when empty).
      Select: string list
      Device: string
      Figures: bool
      /// Real datasets moved from their default path (`--data NAME=PATH`).
      DataPaths: Map<string, string>
      /// Threads decoding images ahead of the trainer (folders, LMDB).
      DecodeThreads: int
      /// The command line, written beside the results.
      Command: string
      /// Write summary.csv/summary.md after the cells; off for Slurm tasks, which run concurrently.
      Table: bool }

/// Columns that group the summary table: one row per dataset × architecture × method, mean ± std over seeds.
let keyColumns = [ "dataset"; "architecture"; "method" ]

/// The real scores of toy runs are compared against this fixed reference sample.
let private referenceSeed = 20_170_331L

let experimentDir (options: Options) (experiment: Experiment) = Path.Combine(options.ResultsRoot, experiment.Name)

let selected (options: Options) (cell: Cell) =
    options.Select.IsEmpty || options.Select |> List.exists (fun s -> (Cells.id cell).Contains(s, StringComparison.Ordinal))

/// The real batches of a cell, seeded by the cell's seed but distinct from the torch seed the trainer sets from it.
let private dataOf (options: Options) (cell: Cell) : IBatchSource =
    let seed = int64 cell.Seed * 7919L + 1L
    match cell.Dataset with
    | Toy kind -> ToyDataset.Create(kind, seed)
    | Real data -> Datasets.openReal data (Datasets.pathOf options.DataPaths data) seed options.DecodeThreads (eprintfn "  warning: %s")

/// For text data: samples [N, 32, V] (softmax outputs) as lines of their most likely characters.
let private sampleText (data: IBatchSource) : Func<torch.Tensor, Collections.Generic.IReadOnlyList<string>> | null =
    match data with
    | :? WganGp.Core.Data.Text.CharBatches as text ->
        Func<_, _>(fun samples ->
            use ids = samples.argmax(2L)
            [ for row in 0L .. ids.shape.[0] - 1L -> text.Corpus.Vocabulary.Decode(ids.[row].data<int64>().ToArray() |> Array.map int) ]
            :> Collections.Generic.IReadOnlyList<string>)
    | _ -> null

/// The core configuration of a cell. Data and scorers are built from the cell's seed, so a cell is reproducible alone.
let toConfig (options: Options) (cell: Cell) (runDirectory: string option) : TrainConfig * IDisposable =
    let data = dataOf options cell
    let generator, critic, latent = Cells.networks cell.Architecture cell.Method cell.Init data.ItemShape
    let release () =
        match data with
        | :? IDisposable as d -> d.Dispose()
        | _ -> ()
    let expected = Cells.inputShape cell.Architecture
    let actual = data.ItemShape
    if not (Cells.fits cell.Architecture actual) then
        release ()
        let shape (s: int64[]) = "[" + String.Join(", ", s) + "]"
        failwith $"{Names.dataset cell.Dataset} gives items of shape {shape actual} but {Names.architecture cell.Architecture} takes {shape expected}"
    let scorers: IScorer list =
        match cell.Dataset with
        | Toy kind -> [ ToyScorer(kind, referenceSeed) ]
        | Real _ -> []
    let description =
        readOnlyDict
            [ "id", Cells.id cell :> obj; "experiment", cell.Experiment :> obj; "grid", cell.Grid :> obj
              "dataset", Names.dataset cell.Dataset :> obj; "architecture", Names.architecture cell.Architecture :> obj
              "method", cell.Method.Name :> obj; "seed", cell.Seed :> obj ]
    let config =
        TrainConfig(
            generator, critic, latent, data, cell.Method, cell.Iterations, cell.BatchSize, int64 cell.Seed,
            Device = torch.Device options.Device, RunDirectory = Option.toObj runDirectory, SampleCount = cell.SampleCount,
            // At most ~1,000 log rows per run: a 200k-iteration cell keeps a small log.csv, and the logged step's extra
            // read-backs (and, without a penalty, the gradient-norm probe) stay out of almost every iteration.
            LogEvery = max 1 (cell.Iterations / 1000),
            Scorers = Array.ofList scorers, Description = description,
            SampleScaling = (match cell.Dataset with Real data -> data.Scaling | Toy _ -> PixelScaling.MinusOneOne),
            SampleText = sampleText data)
    config, { new IDisposable with member _.Dispose() = release () }

let private progress (cell: Cell) (index: int) (total: int) =
    let every = max 1 (cell.Iterations / 10)
    fun (s: IterationStats) ->
        if s.Iteration % every = 0 || s.Iteration = cell.Iterations - 1 then
            let rate = float (s.Iteration + 1) / max s.Seconds 1e-9
            let eta = float (cell.Iterations - s.Iteration - 1) / rate
            printfn $"  [{index}/{total}] it {s.Iteration + 1}/{cell.Iterations}  D {s.CriticLoss:F4}  W {s.Wasserstein:F4}  gp {s.Penalty:F4}  G {s.GeneratorLoss:F4}  |grad| {s.GradientNorm:F3}  {rate:F1} it/s  ETA {eta:F0} s"

/// Trains one cell into its run directory; an exception is recorded as a failed run and does not stop the grid.
let runCell (options: Options) (dir: string) (cell: Cell) (index: int) (total: int) =
    let runDir = Path.Combine(dir, Cells.id cell)
    if RunDirectory.isDone runDir then printfn $"[{index}/{total}] {Cells.id cell}: done ({RunDirectory.status runDir}), skipped"
    else
        printfn $"[{index}/{total}] {Cells.id cell}: {cell.Iterations} generator iterations, batch {cell.BatchSize}, {cell.Method.Optimizer}"
        try
            let config, data = toConfig options cell (Some runDir)
            use _ = data
            use result = Trainer.Run(config, Action<IterationStats>(progress cell index total))
            let scores = result.Scores |> Seq.map (fun kv -> $"{kv.Key} {kv.Value:G4}") |> String.concat ", "
            printfn $"  {result.Status} after {result.Iterations} iterations in {result.Seconds:F1} s; {scores}"
        with e ->
            eprintfn $"  FAILED: {e.Message}"
            RunFiles(runDir).WriteStatus("failed", 0, 0.0, e.ToString())

/// Re-aggregates every run directory of an experiment folder into summary.csv and summary.md. Rows follow `order`
/// (cell ids in grid order, when known), then the remaining directories by name.
let table (dir: string) (command: string) (order: string list) =
    let rank id = order |> List.tryFindIndex ((=) id) |> Option.defaultValue Int32.MaxValue
    let rows = RunDirectory.readAll keyColumns dir |> List.sortBy (fun r -> rank r.Id)
    if rows.IsEmpty then Error $"{dir}: no run directories (folders with settings.json) found"
    else
        let frame = Tables.summarize keyColumns rows
        // Written beside the target and renamed over it, so a reader never sees half a table.
        let replace (name: string) (write: string -> unit) =
            let target = Path.Combine(dir, name)
            let temporary = $"{target}.{Guid.NewGuid():N}.tmp"
            try
                write temporary
                File.Move(temporary, target, true)
            finally
                if File.Exists temporary then File.Delete temporary
        replace "summary.csv" (fun path -> Tables.writeCsv path frame)
        let markdown = Tables.toMarkdown 3 frame
        let today = DateTime.UtcNow.ToString "yyyy-MM-dd"
        let name = Path.GetFileName(Path.GetFullPath(dir).TrimEnd('/'))
        let header =
            [ $"# Summary of {name}"
              ""
              $"Produced by `{command}` on {today} from {rows.Length} run directories;"
              "mean ± sample std over seeds (finished runs only). Each run's budget and settings are in its settings.json."
              "" ]
        replace "summary.md" (fun path -> File.WriteAllText(path, String.Join("\n", header) + "\n" + markdown))
        Ok markdown

let private runChosen (options: Options) (experiment: Experiment) (cells: Cell list) (chosen: Cell list) =
    let dir = experimentDir options experiment
    Directory.CreateDirectory dir |> ignore
    printfn $"{experiment.Name}: {chosen.Length} of {cells.Length} cells selected, results in {dir}"
    chosen |> List.iteri (fun i cell -> runCell options dir cell (i + 1) chosen.Length)
    if options.Figures then
        for figure in experiment.Figures do
            match figure with
            | Figure1a spec ->
                Figures.criticSurfaces dir options.Command (Cells.iterations options.Budget spec.Iterations spec.PaperIterations) spec
            | Figure1bc spec ->
                Figures.deepCriticGradients dir options.Command (Cells.iterations options.Budget spec.Iterations spec.PaperIterations) spec
    if not options.Table then Ok()
    else
        match table dir options.Command (cells |> List.map Cells.id) with
        | Ok markdown -> printfn $"\n{markdown}"; Ok()
        | Error e when chosen.IsEmpty -> printfn $"{e}"; Ok()
        | Error e -> Error [ e ]

/// Runs the selected cells that are not done yet, then the figures, then the table. Stops before training when a
/// selected cell's data is not where it will be looked for.
let run (options: Options) (experiment: Experiment) =
    match Cells.ofExperiment options.Budget experiment with
    | Error errors -> Error errors
    | Ok cells ->
        let chosen = cells |> List.filter (selected options)
        match Datasets.missing options.DataPaths (chosen |> List.map (fun c -> c.Dataset)) with
        | [] -> runChosen options experiment cells chosen
        | missing -> Error missing

/// One line per cell: id, settings and whether it is done.
let plan (options: Options) (experiment: Experiment) =
    Cells.ofExperiment options.Budget experiment
    |> Result.map (fun cells ->
        let dir = experimentDir options experiment
        [ for cell in cells do
              if selected options cell then
                  let status = RunDirectory.status (Path.Combine(dir, Cells.id cell))
                  let status = if Directory.Exists(Path.Combine(dir, Cells.id cell)) then status else "pending"
                  sprintf "%s  %-9s %7d it  batch %d  %s: %O" (Cells.id cell) status cell.Iterations cell.BatchSize cell.Method.Name cell.Method.Optimizer ])
