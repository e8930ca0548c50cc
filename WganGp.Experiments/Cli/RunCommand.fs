/// `wgangp run`, `plan`, `submit` and `table`: a grid script's cells trained here or on Slurm, listed, or tabulated.
/// `run`, `plan` and `submit` share one argument type: a Slurm task runs exactly as the local run would, and any run or
/// submit command line with `plan` as its verb lists the cells it would train.
module WganGp.Experiments.RunCommand

open System
open System.IO
open Argu
open TorchSharp
open WganGp.Experiments.Dsl

type RunArgs =
    | [<MainCommand; ExactlyOnce>] Script of path: string
    | Cells of id_part: string list
    | Scale of factor: float
    | Paper
    | Results of dir: string
    | Device of device: string
    | Threads of count: int
    | No_Figures
    | Figure of name: string list
    | Data of name_path: string list
    | Decode_Threads of count: int
    | Precision of name: string
    | Checkpoint_Every of iterations: int
    | Eval_Every of iterations: int
    | Eval_Samples of count: int
    | Grid_Every of iterations: int
    | No_Tensorboard
    | No_Table
    | Classifier of file: string
    | Inception of file: string
    | Reference_Count of count: int
    // `wgangp submit` takes every option of `run` (one type, so a task runs exactly as the local run would) and these;
    // `wgangp plan` takes them all.
    | Slurm
    | Partition of name: string
    | Gres of spec: string
    | Time of limit: string
    | Cpus_Per_Task of count: int
    | Dry_Run
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Slurm -> "submit: required, submit to Slurm (sbatch) as a job array, one task per unfinished cell and per figure not yet made"
            | Partition _ -> "submit: Slurm partition (default: the cluster's default partition)"
            | Gres _ -> "submit: generic resources per task, e.g. gpu:1 (use with --device cuda)"
            | Time _ -> "submit: time limit per task, e.g. 2-00:00:00"
            | Cpus_Per_Task _ -> "submit: CPUs per task; also the tasks' --threads unless that is given"
            | Dry_Run -> "submit: write job.sh and tasks.txt and print them, without submitting"
            | Checkpoint_Every _ -> "checkpoint every this many generator iterations (default: a twentieth of the budget); reruns resume from the last"
            | Eval_Every _ -> "score samples every this many generator iterations for the convergence curves (default: a tenth of the budget; under --paper the grid script's interval where it has one)"
            | Eval_Samples _ -> $"samples per evaluation during training (default {Defaults.evaluationSamples}; under --paper the grid script's count where it has one)"
            | Grid_Every _ -> "write a sample grid from a fixed noise batch every this many iterations, image data (default: a tenth)"
            | No_Tensorboard -> "do not write TensorBoard event files"
            | Classifier _ -> "score real images with this classifier (from `wgangp classifier train`): cls_is, cls_fid, cls_kid and their _real ceilings"
            | Inception _ -> "score real images with the FID Inception from this state_dict (pytorch-fid's pt_inception-2015-12-05-6726825d.pth)"
            | Reference_Count _ -> $"training images the scores compare with, and held-out images for the ceiling (default {Defaults.referenceCount})"
            | No_Table -> "do not write summary.md/summary.csv and the figures of the table at the end (`wgangp table` writes them later)"
            | Data _ -> "NAME=PATH: read the dataset NAME from PATH instead of its default location (cell ids do not change)"
            | Decode_Threads _ -> $"threads decoding images ahead of the trainer for folders and LMDB (default {Defaults.decodeThreads})"
            | Precision _ -> "float32 (default) or bf16: bf16 trains the 2-D convolutions in bfloat16 (float32 weights; needs avx512_bf16, AMX or CUDA); opt-in, it changes the numbers, recorded in settings.json, and a results folder holds one precision"
            | Script _ -> "experiment script (experiments/*.fsx) whose top-level value `experiment` is run"
            | Cells _ -> "run only cells whose id contains one of these strings (see `wgangp plan`)"
            | Scale _ -> "multiply every default iteration budget by this factor (e.g. 0.1 for a smoke run)"
            | Paper -> "use the paper's budgets (100k generator iterations for the toys) instead of the defaults"
            | Results _ -> $"results root; the experiment goes to <dir>/<experiment name>/ (default: {Defaults.runsRoot}, then compared with {Defaults.publishedRoot}/<experiment name>/ when it exists; --results {Defaults.publishedRoot} publishes)"
            | Device _ -> "torch device: cpu (default) or cuda, cuda:1, ..."
            | Threads _ -> "intra-op CPU threads (default: all cores)"
            | No_Figures -> "train the grid cells only, skip the figures"
            | Figure _ -> "make only these figures (figure1a, figure1bc; `wgangp plan` lists them), no cells"

type TableArgs =
    | [<MainCommand; ExactlyOnce>] Dir of path: string
    | Script of path: string
    | Scale of factor: float
    | Paper
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Dir _ -> "an experiment's results folder, e.g. results/toy"
            | Script _ -> "the grid script the folder was run from: rows in its cell order, and its pre-registered criteria judged (claims undecided until all its cells are done)"
            | Scale _ -> "the budget scale the folder was run at, as for run (default 1)"
            | Paper -> "the folder was run with --paper"

let private budget scale paper =
    if paper then Cells.PaperBudget else Cells.Scaled(defaultArg scale 1.0)

/// Ctrl+C and SIGTERM (what Slurm sends a preempted or cancelled task) cancel the run: the current cell writes a
/// checkpoint and the process exits, so a rerun or a requeued task resumes there.
let private interruption () =
    let cts = new Threading.CancellationTokenSource()
    Console.CancelKeyPress.Add(fun e ->
        e.Cancel <- true
        cts.Cancel())
    let term =
        Runtime.InteropServices.PosixSignalRegistration.Create(Runtime.InteropServices.PosixSignal.SIGTERM, fun ctx ->
            ctx.Cancel <- true
            cts.Cancel())
    cts, term

/// Applies `--data NAME=PATH` to the options once the experiment (and so its datasets) is known.
let private relocate (pairs: string list) (opts: Runner.Options) (experiment: Experiment) =
    let datasets = experiment.Grids |> List.collect (fun g -> g.Datasets) |> Datasets.realOf
    Datasets.relocations datasets pairs |> Result.map (fun paths -> { opts with DataPaths = paths }, experiment)

/// The flag values of `run` (and so of `plan` and `submit`), refused before any work.
let private runChecks (r: ParseResults<RunArgs>) =
    [ if r.Contains Figure && r.Contains RunArgs.Cells then Some "--figure makes figures only; it cannot be given with --cells"
      if r.Contains Figure && r.Contains No_Figures then Some "--figure and --no-figures contradict each other; give one"
      Cli.positive "--scale" (r.TryGetResult RunArgs.Scale)
      Cli.atLeast 1 "--threads" (r.TryGetResult Threads)
      Cli.atLeast 1 "--decode-threads" (r.TryGetResult RunArgs.Decode_Threads)
      Cli.atLeast 1 "--checkpoint-every" (r.TryGetResult Checkpoint_Every)
      Cli.atLeast 1 "--eval-every" (r.TryGetResult Eval_Every)
      Cli.atLeast 2 "--eval-samples" (r.TryGetResult Eval_Samples)
      Cli.atLeast 1 "--grid-every" (r.TryGetResult Grid_Every)
      Cli.atLeast 2 "--reference-count" (r.TryGetResult Reference_Count)
      Cli.device "--device" (r.TryGetResult Device)
      Cli.precision "--precision" (r.TryGetResult Device) (r.TryGetResult RunArgs.Precision) ]

/// The options of `submit` that `run` refuses.
let private submitOnly (r: ParseResults<RunArgs>) =
    [ if r.Contains Slurm then "--slurm"
      if r.Contains Dry_Run then "--dry-run"
      if r.Contains Partition then "--partition"
      if r.Contains Gres then "--gres"
      if r.Contains Time then "--time"
      if r.Contains Cpus_Per_Task then "--cpus-per-task" ]

/// What `run` (and `plan`, and every task of `submit`) runs with: one function of the one argument type.
let runOptions (r: ParseResults<RunArgs>) : Runner.Options =
    { ResultsRoot = r.GetResult(RunArgs.Results, defaultValue = Defaults.runsRoot)
      Budget = budget (r.TryGetResult RunArgs.Scale) (r.Contains RunArgs.Paper)
      Select = r.GetResult(RunArgs.Cells, defaultValue = [])
      Device = r.GetResult(Device, defaultValue = "cpu")
      Figures =
          match r.TryGetResult Figure with
          | Some names -> Runner.OnlyFigures names
          | None when r.Contains No_Figures -> Runner.NoFigures
          | None -> Runner.AllFigures
      DataPaths = Map.empty
      DecodeThreads = r.GetResult(RunArgs.Decode_Threads, defaultValue = Defaults.decodeThreads)
      Precision =
          r.TryGetResult RunArgs.Precision
          |> Option.map WganGp.Core.Numerics.PrecisionNames.Parse
          |> Option.defaultValue WganGp.Core.Numerics.Precision.Float32
      Command = Cli.commandLine ()
      Cancel = Threading.CancellationToken.None
      Schedule =
          { CheckpointEvery = r.TryGetResult Checkpoint_Every; EvaluateEvery = r.TryGetResult Eval_Every
            EvaluationSamples = r.TryGetResult Eval_Samples; SampleGridEvery = r.TryGetResult Grid_Every
            TensorBoard = not (r.Contains No_Tensorboard)
            Scoring =
                { Classifier = r.TryGetResult RunArgs.Classifier; Inception = r.TryGetResult RunArgs.Inception
                  ReferenceCount = r.GetResult(Reference_Count, defaultValue = Scoring.none.ReferenceCount) } }
      Table = not (r.Contains No_Table) }

/// After a whole run (not a Slurm task: those write no table either), what it made against the published
/// results/<experiment>/: the cells and figures it selected, bit for bit (see Compare). Nothing to compare when there
/// is no published folder, or when the run wrote into it.
let private compareWithPublished (opts: Runner.Options) (experiment: Experiment) =
    let here = Runner.experimentDir opts experiment
    let published = Path.Combine(Defaults.publishedRoot, experiment.Name)
    if not opts.Table then ()
    elif not (Directory.Exists published) then printfn $"\nNo published {published} to compare with."
    elif Path.GetFullPath here = Path.GetFullPath published then
        printfn $"\nThis run wrote into the published {published} itself: nothing to compare with (without --results it writes to {Path.Combine(Defaults.runsRoot, experiment.Name)} and compares)."
    else
        match Cells.ofExperiment opts.Budget experiment with
        | Error _ -> ()
        | Ok cells ->
            let ids = Runner.chosenCells opts cells |> List.map Cells.id
            let figures =
                let chosen = Runner.chosenFigures opts experiment |> List.map Figures.name
                Figures.dataFiles |> List.filter (fun (name, _) -> List.contains name chosen)
            printfn ""
            Compare.experiment here published ids figures |> Compare.lines |> List.iter (printfn "%s")

/// `wgangp run`: trains the cells that are not done, draws the figures, writes the table, and compares what it made
/// with the published results/<experiment>/.
let run (r: ParseResults<RunArgs>) : Cli.Exit =
    Cli.refuse (runChecks r)
    Cli.refuse [ for flag in submitOnly r -> Some $"{flag} is an option of `wgangp submit`, not of `run`" ]
    torch.set_num_threads (r.GetResult(Threads, defaultValue = Environment.ProcessorCount))
    let cts, term = interruption ()
    use _ = cts
    use _ = term
    let opts = { runOptions r with Cancel = cts.Token }
    ScriptLoader.loadExperiment (r.GetResult RunArgs.Script)
    |> Result.bind (relocate (r.GetResult(RunArgs.Data, defaultValue = [])) opts)
    |> Result.bind (fun (opts', experiment) ->
        Runner.run opts' experiment |> Result.map (fun () -> compareWithPublished opts' experiment))
    |> Cli.report

/// `wgangp plan`: the cells with their ids, budgets, optimisers and status, as the same `run` or `submit` command line
/// would select them (its flag values are checked as theirs are; the options that only shape training are ignored).
let plan (p: ParseResults<RunArgs>) : Cli.Exit =
    Cli.refuse (runChecks p)
    let opts = runOptions p
    ScriptLoader.loadExperiment (p.GetResult RunArgs.Script)
    |> Result.bind (relocate (p.GetResult(RunArgs.Data, defaultValue = [])) opts)
    |> Result.bind (fun (opts', experiment) -> Runner.plan opts' experiment)
    |> Result.map (List.iter (printfn "%s"))
    |> Cli.report

/// `wgangp submit`: the unfinished cells and figures as a Slurm job array, each task a `run` with the same options.
let submit (s: ParseResults<RunArgs>) : Cli.Exit =
    Cli.refuse (runChecks s @ [ Cli.atLeast 1 "--cpus-per-task" (s.TryGetResult Cpus_Per_Task) ])
    let opts = runOptions s
    let request: Slurm.Request =
        { Script = s.GetResult RunArgs.Script; Data = s.GetResult(RunArgs.Data, defaultValue = [])
          Threads = s.TryGetResult Threads; Device = s.TryGetResult Device; DryRun = s.Contains Dry_Run
          Resources =
            { Partition = s.TryGetResult Partition; Gres = s.TryGetResult Gres
              Time = s.TryGetResult Time; CpusPerTask = s.TryGetResult Cpus_Per_Task } }
    (if s.Contains Slurm then ScriptLoader.loadExperiment request.Script
     else Error [ "say where to submit: --slurm (the only scheduler supported)" ])
    |> Result.bind (relocate request.Data opts)
    |> Result.bind (fun (opts', experiment) -> Slurm.submit opts' request experiment)
    |> Result.map (List.iter (printfn "%s"))
    |> Cli.report

/// `wgangp table`: re-aggregates a results folder without training; with `--script`, in the script's cell order and
/// with its pre-registered criteria judged.
let table (t: ParseResults<TableArgs>) : Cli.Exit =
    Cli.refuse [ Cli.positive "--scale" (t.TryGetResult TableArgs.Scale) ]
    let judged =
        match t.TryGetResult TableArgs.Script with
        | None -> Ok([], [])
        | Some script ->
            ScriptLoader.loadExperiment script
            |> Result.bind (fun experiment ->
                Cells.ofExperiment (budget (t.TryGetResult TableArgs.Scale) (t.Contains TableArgs.Paper)) experiment
                |> Result.map (fun cells -> Runner.criteriaOf experiment cells, cells |> List.map Cells.id))
    judged
    |> Result.bind (fun (criteria, order) ->
        Report.tableWith criteria (t.GetResult Dir) (Cli.commandLine ()) order |> Result.mapError List.singleton)
    |> Result.map (printfn "%s")
    |> Cli.report
