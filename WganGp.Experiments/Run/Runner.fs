/// Runs the cells and figures of an experiment into <results>/<experiment>/ (runs/ by default) and tabulates them. This is the only place
/// with I/O side effects beyond the core's run directories.
module WganGp.Experiments.Runner

open System
open System.Collections.Generic
open System.IO
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Core.Training
open WganGp.Core.Training.Locks
open WganGp.Core.Nets
open WganGp.Experiments.Dsl

/// What a run does besides training, on a schedule of generator iterations (None: the default for the cell's budget).
type Schedule =
    { /// Checkpoint every this many generator iterations (default: a twentieth of the budget); a rerun resumes there.
      CheckpointEvery: int option
      /// Score every this many generator iterations for the convergence curves (default: a tenth of the budget).
      EvaluateEvery: int option
      /// Samples per evaluation during training (cheap: curves need many points, not precise ones); None: Defaults.evaluationSamples, or
      /// under --paper the script's count when the grid's score protocol has one.
      EvaluationSamples: int option
      /// A grid of samples from a fixed noise batch every this many iterations, for image data (default: a tenth).
      SampleGridEvery: int option
      TensorBoard: bool
      /// The networks scoring real images (a classifier or the FID Inception); toys always get the toy metrics.
      Scoring: Scoring.Options }

module Schedule =
    let defaults =
        { CheckpointEvery = None; EvaluateEvery = None; EvaluationSamples = None; SampleGridEvery = None; TensorBoard = true
          Scoring = Scoring.none }

    let private every (iterations: int) (fraction: int) (chosen: int option) =
        chosen |> Option.defaultValue (max 1 (iterations / fraction))

    let checkpointEvery (s: Schedule) iterations = every iterations Defaults.checkpointFraction s.CheckpointEvery
    let evaluateEvery (s: Schedule) iterations = every iterations Defaults.evaluationFraction s.EvaluateEvery

    /// Every how many iterations and on how many samples a cell is scored during training: the command line's choice,
    /// else under --paper the script's (the grid's score protocol), else a tenth of the budget on Defaults.evaluationSamples samples.
    let evaluations (s: Schedule) (budget: Cells.Budget) (cell: Cell) =
        let script = match budget with Cells.PaperBudget -> cell.Scoring.PaperEvaluation | Cells.Scaled _ -> None
        let every = match s.EvaluateEvery, script with Some k, _ -> k | None, Some e -> e.Every | None, None -> evaluateEvery s cell.Iterations
        let samples = match s.EvaluationSamples, script with Some n, _ -> n | None, Some e -> e.Samples | None, None -> Defaults.evaluationSamples
        every, samples
    let sampleGridEvery (s: Schedule) iterations = every iterations Defaults.evaluationFraction s.SampleGridEvery

/// Which figures a run makes.
type FigureChoice =
    /// Every figure of the experiment, after the selected cells (the default).
    | AllFigures
    /// None (`--no-figures`).
    | NoFigures
    /// Only these, by `Figures.name`, and no cells (`--figure NAME`: what a figure's Slurm task runs).
    | OnlyFigures of string list

type Options =
    { /// <experiment>/ goes under this folder (runs/ by default; results/ to publish).
      ResultsRoot: string
      Budget: Cells.Budget
      /// Run only the cells whose id contains one of these strings (all when empty).
      Select: string list
      Device: string
      Figures: FigureChoice
      /// Real datasets moved from their default path (`--data NAME=PATH`).
      DataPaths: Map<string, string>
      /// Threads decoding images ahead of the trainer (folders, LMDB).
      DecodeThreads: int
      /// The number format the convolutions train in (`--precision`; float32 unless asked).
      Precision: WganGp.Core.Numerics.Precision
      /// The command line, written beside the results.
      Command: string
      Schedule: Schedule
      /// Cancelled by Ctrl+C or SIGTERM (Slurm preemption): the current cell checkpoints and the grid stops.
      Cancel: Threading.CancellationToken
      /// Write summary.csv/summary.md after the cells; off for Slurm tasks, which run concurrently.
      Table: bool }

let experimentDir (options: Options) (experiment: Experiment) = Path.Combine(options.ResultsRoot, experiment.Name)

let selected (options: Options) (cell: Cell) =
    options.Select.IsEmpty || options.Select |> List.exists (fun s -> (Cells.id cell).Contains(s, StringComparison.Ordinal))

/// The real batches of a cell, seeded by the cell's seed but distinct from the torch seed the trainer sets from it.
let private dataOf (options: Options) (cell: Cell) : IBatchSource =
    let seed = Seeds.Data(int64 cell.Seed)
    match cell.Dataset with
    | Toy kind -> ToyDataset.Create(kind, seed)
    | Real data -> Datasets.openReal data (Datasets.pathOf options.DataPaths data) seed options.DecodeThreads (eprintfn "  warning: %s")

/// For text data: samples [N, 32, V] (softmax outputs) as lines of their most likely characters (null otherwise).
let sampleText (dataset: Dataset) (opened: IBatchSource) : Func<torch.Tensor, Collections.Generic.IReadOnlyList<string>> | null =
    match dataset with
    | Real data -> data.Format.SampleText opened
    | Toy _ -> null

/// The core configuration of a cell. Data and scorers are built from the cell's seed, so a cell is reproducible alone.
/// `say` receives the trainer's messages (resumed from a checkpoint, evaluation scores). Returns the network spec the
/// cell's networks were built from (what cell.json records) beside the configuration.
let toConfig (options: Options) (cell: Cell) (runDirectory: string option) (say: string -> unit) : TrainConfig * NetworkSpec * IDisposable =
    let data = dataOf options cell
    let spec = Cells.networkSpec cell.Architecture cell.Method cell.Init data.ItemShape
    let generator, critic, latent = Cells.networksOf cell.Architecture spec
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
    let scorers, bestBy =
        Scoring.forDataset options.Schedule.Scoring cell.Scoring (Datasets.pathOf options.DataPaths) (Some data) cell.Dataset
    let schedule = options.Schedule
    let inRunDirectory value = if runDirectory.IsSome then value else null
    let config =
        TrainConfig(
            generator, critic, latent, data, cell.Method, cell.Iterations, cell.BatchSize, int64 cell.Seed,
            Device = torch.Device options.Device, RunDirectory = Option.toObj runDirectory, SampleCount = cell.SampleCount,
            Precision = options.Precision,
            SampleBatchSize = Option.toNullable cell.Scoring.SampleBatch,
            // At most Defaults.logRows log rows per run: a 200k-iteration cell keeps a small log.csv, and the logged step's extra
            // read-backs (and, without a penalty, the gradient-norm probe) stay out of almost every iteration.
            LogEvery = max 1 (cell.Iterations / Defaults.logRows),
            Scorers = Array.ofList scorers,
            SampleScaling = (match cell.Dataset with Real data -> data.Scaling | Toy _ -> PixelScaling.MinusOneOne),
            SampleText = sampleText cell.Dataset data,
            Checkpoints =
                inRunDirectory (
                    CheckpointOptions(Schedule.checkpointEvery schedule cell.Iterations,
                                      // best.ckpt follows the distance the evaluations compute (lower is better)
                                      BestBy = Option.toObj bestBy)),
            Evaluation =
                (if scorers.IsEmpty then null
                 else
                     let every, samples = Schedule.evaluations schedule options.Budget cell
                     EvaluationOptions(every, samples, Array.ofList scorers)),
            SampleGridEvery = (if runDirectory.IsSome then Schedule.sampleGridEvery schedule cell.Iterations else 0),
            TensorBoard = (schedule.TensorBoard && runDirectory.IsSome),
            Report = Action<string>(say),
            OnEvaluation =
                Action<int, Collections.Generic.IReadOnlyDictionary<string, float>>(fun iteration scores ->
                    let text = scores |> Seq.map (fun kv -> $"{kv.Key} {kv.Value:G4}") |> String.concat ", "
                    say $"evaluation at iteration {iteration}: {text}"))
    config, spec, { new IDisposable with member _.Dispose() = release () }

/// A run directory under this cell's id that belongs to another cell (copied in by hand, or from an incompatible
/// version of the grid): an error, and the directory is left alone.
let private foreignRun (runDir: string) (cell: Cell) =
    match RunDirectory.cellId runDir with
    | Ok None -> None
    | Ok (Some id) when id = Cells.id cell -> None
    | Ok (Some id) -> Some $"{runDir} holds the run of cell {id}, not of {Cells.id cell}: the results folder is from an incompatible grid; use another --results"
    | Error problem -> Some $"{problem}: {runDir} was not written by this grid's runner; use another --results"

/// A cell that failed in this run: its id, its error, and where the error is recorded (its status.json, or why it
/// could not be written there).
type FailedCell = { Id: string; Message: string; Recorded: string }

/// Records a failed cell in its status.json; a failure to write it (a full disk, a read-only folder) is reported, not
/// raised, so the grid goes on and the run still ends with the list of failed cells.
let private recordFailure (runDir: string) (id: string) (e: exn) =
    let recorded =
        try
            RunFiles(runDir).WriteStatus(RunStatus.Failed, 0, 0.0, e.ToString())
            Path.Combine(runDir, RunFiles.Status)
        with
        | :? IOException | :? UnauthorizedAccessException as writing ->
            eprintfn $"  its status could not be recorded: {writing.Message}"
            $"not recorded: {writing.Message}"
    { Id = id; Message = e.Message; Recorded = recorded }

/// What became of a cell in this run.
type CellOutcome =
    /// Trained to its end, or found done.
    | Settled
    /// Another live process holds it: left to that process.
    | LeftTo of holder: LockHolder
    | CellFailed of FailedCell

/// Trains one cell into its run directory (its lock held), resuming from its checkpoint when it has one. An exception
/// is recorded as a failed run (returned) and does not stop the grid; a cancellation (Ctrl+C, SIGTERM) checkpoints and
/// stops the grid.
let private train (options: Options) (runDir: string) (cell: Cell) (index: int) (total: int) : CellOutcome =
    let id = Cells.id cell
    if RunDirectory.isDone runDir then
        printfn $"[{index}/{total}] {id}: done ({(RunDirectory.status runDir).ToText()}), skipped"
        Settled
    else
        printfn $"[{index}/{total}] {id}: {cell.Iterations} generator iterations, batch {cell.BatchSize}, {cell.Method.Optimizer}"
        let progress = Progress.CellProgress(index, total, cell.Iterations, Progress.isLive ())
        try
            let config, spec, data = toConfig options cell (Some runDir) progress.Line
            use _ = data
            CellRecipe.write runDir (CellRecipe.ofCell cell spec)
            use result = Trainer.Run(config, Action<IterationStats>(progress.Iteration), options.Cancel)
            progress.Finish()
            let scores = result.Scores |> Seq.map (fun kv -> $"{kv.Key} {kv.Value:G4}") |> String.concat ", "
            printfn $"  {result.Status} after {result.Iterations} iterations in {result.Seconds:F1} s; {scores}"
            Settled
        with
        | :? OperationCanceledException ->
            progress.Finish()
            printfn $"  interrupted; its last checkpoint is in {runDir}/checkpoints: rerun the same command to resume"
            reraise ()
        | e ->
            progress.Finish()
            eprintfn $"  FAILED: {e.Message}"
            CellFailed(recordFailure runDir id e)

/// Does `work` holding the lock on `name` in the results folder `dir`; Error with the holder (and nothing done) when
/// another live process holds it. The lock is released however the work ends.
let private holding (dir: string) (name: string) (work: unit -> 'a) : Result<'a, LockHolder> =
    match RunLock.TryAcquire(dir, name) with
    | null, holder -> Error(nonNull holder)
    | held, _ ->
        use _ = held
        Ok(work ())

/// Trains one cell unless another live process holds it (a second terminal, a resubmitted job, another Slurm task):
/// one process per cell, so no log ever gets a row twice.
let runCell (options: Options) (dir: string) (cell: Cell) (index: int) (total: int) : CellOutcome =
    let id = Cells.id cell
    match holding dir id (fun () -> train options (Path.Combine(dir, id)) cell index total) with
    | Ok outcome -> outcome
    | Error holder ->
        printfn $"[{index}/{total}] {id}: held by {holder}, left to it"
        LeftTo holder

/// The lock every process writing a folder's table takes in turn, so that the last one to finish writes last.
let tableLock = "summary"

/// Each grid's pre-registered criteria with the ids of its cells (what the table judges).
let criteriaOf (experiment: Experiment) (cells: Cell list) =
    [ for grid in experiment.Grids do
          match grid.Criteria with
          | Some c -> c, cells |> List.filter (fun cell -> cell.Grid = grid.Name) |> List.map Cells.id
          | None -> () ]

/// The figures the options ask for, in the experiment's order.
let chosenFigures (options: Options) (experiment: Experiment) =
    match options.Figures with
    | AllFigures -> experiment.Figures
    | NoFigures -> []
    | OnlyFigures names -> experiment.Figures |> List.filter (fun f -> List.contains (Figures.name f) names)

/// The cells the options ask for: none when only figures are asked for.
let chosenCells (options: Options) (cells: Cell list) =
    match options.Figures with
    | OnlyFigures _ -> []
    | AllFigures | NoFigures -> cells |> List.filter (selected options)

let private runChosen (options: Options) (experiment: Experiment) (cells: Cell list) (chosen: Cell list) =
    let dir = experimentDir options experiment
    Directory.CreateDirectory dir |> ignore
    printfn $"{experiment.Name}: {chosen.Length} of {cells.Length} cells selected, results in {dir}"
    let outcomes = chosen |> List.mapi (fun i cell -> Cells.id cell, runCell options dir cell (i + 1) chosen.Length)
    let failed = outcomes |> List.choose (function _, CellFailed f -> Some f | _ -> None)
    let figuresLeft =
        [ for figure in chosenFigures options experiment do
              let name = Figures.name figure
              match holding dir name (fun () -> Figures.make dir options.Command options.Cancel options.Budget figure) with
              | Ok () -> ()
              | Error holder ->
                  printfn $"  {name}: held by {holder}, left to it"
                  name, holder ]
    let left = (outcomes |> List.choose (function id, LeftTo h -> Some(id, h) | _ -> None)) @ figuresLeft
    let tabulated =
        if not options.Table then Ok()
        else
            // Every process writes the table in turn, from the run directories as they are then: whoever finishes
            // last writes one with every cell that finished.
            use _ = RunLock.Acquire(dir, tableLock, TimeSpan.FromMinutes 30.0)
            match Report.tableWith (criteriaOf experiment cells) dir options.Command (cells |> List.map Cells.id) with
            | Ok markdown -> printfn $"\n{markdown}"; Ok()
            | Error e when chosen.IsEmpty -> printfn $"{e}"; Ok()
            | Error e -> Error [ e ]
    if not left.IsEmpty then
        printfn $"\n{left.Length} left to other processes that hold them (the last process to finish writes the table):"
        for name, holder in left do
            printfn $"  {name}: {holder}"
    // The run fails when a cell failed (a Slurm task then reports FAILED), ending with the cells and their errors' files.
    let failures =
        [ if not failed.IsEmpty then
              $"{failed.Length} of {chosen.Length} cells failed (rerun the same command to retry them):"
          for f in failed do
              $"  {f.Id}: {f.Message} (error and trace: {f.Recorded})" ]
    match tabulated, failures with
    | Ok (), [] -> Ok()
    | Ok (), fs -> Error fs
    | Error es, fs -> Error(es @ fs)

/// Why the selected cells cannot run (none: they can): a --cells part that matches no cell, a run directory of another
/// cell under a cell's id, a dataset that is not where it will be looked for. `run` and `plan` refuse the same.
let refusals (options: Options) (experiment: Experiment) (cells: Cell list) =
    let chosen = chosenCells options cells
    let unknown =
        [ for part in options.Select do
              if not (cells |> List.exists (fun c -> (Cells.id c).Contains(part, StringComparison.Ordinal))) then
                  $"--cells {part}: no cell id of {experiment.Name} contains it (`wgangp plan` without --cells lists the ids)" ]
    let unknownFigures =
        match options.Figures with
        | OnlyFigures names ->
            let known = experiment.Figures |> List.map Figures.name
            [ for n in names do
                  if not (List.contains n known) then
                      match known with
                      | [] -> $"--figure {n}: {experiment.Name} has no figures"
                      | _ ->
                          let listed = String.Join(", ", known)
                          $"--figure {n}: {experiment.Name}'s figures are {listed}" ]
        | AllFigures | NoFigures -> []
    let foreign = chosen |> List.choose (fun c -> foreignRun (Path.Combine(experimentDir options experiment, Cells.id c)) c)
    let precision = WganGp.Core.Numerics.PrecisionNames.Name options.Precision
    // A folder's runs share one precision: a cell begun (or finished) in another would be resumed in a second number
    // format, or tabulated beside runs that do not compare.
    let otherPrecision =
        [ for c in chosen do
              let runDir = Path.Combine(experimentDir options experiment, Cells.id c)
              match Option.ofObj (WganGp.Core.Numerics.NumericsRecord.RecordedPrecision runDir) with
              | Some recorded when recorded <> precision ->
                  $"{runDir} was trained with {recorded} convolutions and this run asks for {precision}: run with --precision {recorded}, or give another --results folder"
              | _ -> () ]
    unknown @ unknownFigures @ foreign @ otherPrecision @ Datasets.missing options.DataPaths (chosen |> List.map (fun c -> c.Dataset))

/// Runs the selected cells that are not done yet, then the figures, then the table; Error when a cell failed (after
/// all ran) or the table could not be written. Stops before training when `refusals` has anything to say.
let run (options: Options) (experiment: Experiment) =
    match Cells.ofExperiment options.Budget experiment with
    | Error errors -> Error errors
    | Ok cells ->
        match refusals options experiment cells with
        | [] -> runChosen options experiment cells (chosenCells options cells)
        | problems -> Error problems

/// One line per cell: id, settings and whether it is done; Error with what `run` would refuse.
let plan (options: Options) (experiment: Experiment) =
    Cells.ofExperiment options.Budget experiment
    |> Result.bind (fun cells -> match refusals options experiment cells with [] -> Ok cells | problems -> Error problems)
    |> Result.map (fun cells ->
        let dir = experimentDir options experiment
        let chosen = chosenCells options cells
        // A cell or figure another live process holds is running, and says whose it is.
        let heldBy name = match RunLock.HolderOf(dir, name) with null -> "" | holder -> $"  (held by {holder})"
        [ for cell in chosen do
              let id = Cells.id cell
              let runDir = Path.Combine(dir, id)
              let holder = if RunDirectory.isDone runDir then "" else heldBy id
              let status =
                  if not (Directory.Exists runDir) then "pending"
                  elif holder <> "" then "running"
                  else
                      // Begun but nobody holds it: killed or interrupted; a rerun resumes it.
                      match RunDirectory.status runDir with
                      | RunStatus.Running -> "stopped"
                      | s -> s.ToText()
              sprintf "%s  %-9s %7d it  batch %d  %s: %O%s" id status cell.Iterations cell.BatchSize cell.Method.Name cell.Method.Optimizer holder
          for figure in chosenFigures options experiment do
              let name = Figures.name figure
              let made = Figures.isMade dir options.Budget figure
              let holder = if made then "" else heldBy name
              let status = if made then "made" elif holder <> "" then "running" else "pending"
              sprintf "%s  %-9s %7d it  (figure)%s" name status (Figures.iterationsOf options.Budget figure) holder ])
