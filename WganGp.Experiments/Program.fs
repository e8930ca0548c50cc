/// The `wgangp` command.
module WganGp.Experiments.Program

open System
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
    | Data of name_path: string list
    | Decode_Threads of count: int
    | Checkpoint_Every of iterations: int
    | Eval_Every of iterations: int
    | Eval_Samples of count: int
    | Grid_Every of iterations: int
    | No_Tensorboard
    | No_Table
    | Classifier of file: string
    | Inception of file: string
    | Reference_Count of count: int
    // `wgangp submit` takes every option of `run` (one type, so a task runs exactly as the local run would) and these.
    | Slurm
    | Partition of name: string
    | Gres of spec: string
    | Time of limit: string
    | Cpus_Per_Task of count: int
    | Dry_Run
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Slurm -> "submit: required, submit to Slurm (sbatch) as a job array, one task per unfinished cell"
            | Partition _ -> "submit: Slurm partition (default: the cluster's default partition)"
            | Gres _ -> "submit: generic resources per task, e.g. gpu:1 (use with --device cuda)"
            | Time _ -> "submit: time limit per task, e.g. 2-00:00:00"
            | Cpus_Per_Task _ -> "submit: CPUs per task; also the tasks' --threads unless that is given"
            | Dry_Run -> "submit: write job.sh and cells.txt and print them, without submitting"
            | Checkpoint_Every _ -> "checkpoint every this many generator iterations (default: a twentieth of the budget); reruns resume from the last"
            | Eval_Every _ -> "score samples every this many generator iterations for the convergence curves (default: a tenth of the budget; under --paper the grid script's interval where it has one)"
            | Eval_Samples _ -> "samples per evaluation during training (default 1000; under --paper the grid script's count where it has one)"
            | Grid_Every _ -> "write a sample grid from a fixed noise batch every this many iterations, image data (default: a tenth)"
            | No_Tensorboard -> "do not write TensorBoard event files"
            | Classifier _ -> "score real images with this classifier (from `wgangp classifier train`): cls_is, cls_fid, cls_kid and their _real ceilings"
            | Inception _ -> "score real images with the FID Inception from this state_dict (pytorch-fid's pt_inception-2015-12-05-6726825d.pth)"
            | Reference_Count _ -> "training images the scores compare with, and held-out images for the ceiling (default 5000)"
            | No_Table -> "do not write summary.md/summary.csv (Slurm tasks: `wgangp table` aggregates once they finish)"
            | Data _ -> "NAME=PATH: read the dataset NAME from PATH instead of its default location (cell ids do not change)"
            | Decode_Threads _ -> "threads decoding images ahead of the trainer for folders and LMDB (default 1)"
            | Script _ -> "experiment script (experiments/*.fsx) whose top-level value `experiment` is run"
            | Cells _ -> "run only cells whose id contains one of these strings (see `wgangp plan`)"
            | Scale _ -> "multiply every default iteration budget by this factor (e.g. 0.1 for a smoke run)"
            | Paper -> "use the paper's budgets (100k generator iterations for the toys) instead of the defaults"
            | Results _ -> "results root; the experiment goes to <dir>/<experiment name>/ (default: results)"
            | Device _ -> "torch device: cpu (default) or cuda, cuda:1, ..."
            | Threads _ -> "intra-op CPU threads (default: all cores)"
            | No_Figures -> "train the grid cells only, skip the figures"

type PlanArgs =
    | [<MainCommand; ExactlyOnce>] Script of path: string
    | Cells of id_part: string list
    | Scale of factor: float
    | Paper
    | Results of dir: string
    | Data of name_path: string list
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Data _ -> "NAME=PATH: where to look for the dataset NAME (as for run)"
            | Script _ -> "experiment script (experiments/*.fsx)"
            | Cells _ -> "list only cells whose id contains one of these strings"
            | Scale _ -> "iteration scale, as for run (cell ids depend on the budget)"
            | Paper -> "paper budgets, as for run"
            | Results _ -> "results root (default: results)"

type TableArgs =
    | [<MainCommand; ExactlyOnce>] Dir of path: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Dir _ -> "an experiment's results folder, e.g. results/toy"

/// The data formats `wgangp data` can open.
[<RequireQualifiedAccess>]
type DataFormatArg =
    | Idx
    | Cifar10
    | Folder
    | Lmdb
    | Text

type InspectArgs =
    | [<MainCommand; ExactlyOnce>] Path of path: string
    | [<Mandatory; AltCommandLine("-f")>] Format of DataFormatArg
    | Size of pixels: int
    | Channels of count: int
    | Split of train_or_t10k: string
    | Batches of count: int
    | Batch_Size of count: int
    | Seed of seed: int
    | Decode_Threads of count: int
    | Preview of png: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Path _ -> "the dataset: an IDX folder, an image folder, or an LMDB database folder (e.g. bedroom_train_lmdb)"
            | Format _ -> "idx (MNIST/Fashion-MNIST files), cifar10 (python or binary version), folder (PNG/JPEG/WebP), lmdb (LSUN) or text (Billion Word layout)"
            | Size _ -> "images: shorter side resized to this, then centre-cropped square (default 64)"
            | Channels _ -> "images: 3 (RGB, default) or 1 (gray)"
            | Split _ -> "idx: file prefix, train (default) or t10k; cifar10: train (default) or test"
            | Batches _ -> "batches to read (default 20)"
            | Batch_Size _ -> "images per batch (default 64)"
            | Seed _ -> "sampling seed (default 0)"
            | Decode_Threads _ -> "decoding threads for folders and LMDB (default 1)"
            | Preview _ -> "write the first batch as a PNG grid here"

type DataBenchArgs =
    | Folder of path: string
    | Lmdb of path: string
    | Images of count: int
    | Size of pixels: int
    | Batch_Size of count: int
    | Decode_Threads of counts: int list
    | Iterations of count: int
    | Seed of seed: int
    | Report of markdown: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Folder _ -> "a folder of images to read (default: synthesised LSUN-like JPEGs)"
            | Lmdb _ -> "an LMDB database of encoded images, e.g. LSUN's bedroom_train_lmdb (default: synthesised WebP)"
            | Images _ -> "photos to synthesise when no data is given (default 256)"
            | Size _ -> "output resolution (default 64)"
            | Batch_Size _ -> "batch size (default 64)"
            | Decode_Threads _ -> "decoding thread counts to compare (default: 1 and all cores)"
            | Iterations _ -> "generator iterations of the DCGAN training measurement (default 10)"
            | Seed _ -> "seed for synthesis, sampling and training (default 0)"
            | Report _ -> "also write the report (markdown) to this file, with the command that made it"

type StepBenchArgs =
    | Architectures of names: string list
    | Methods of names: string list
    | Size of pixels: int
    | Channels of count: int
    | Batch_Size of count: int
    | Iterations of count: int
    | Warmup of count: int
    | Python of path: string
    | Report of markdown: string
    | Conv_Route
    | Widths of multipliers: float list
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Conv_Route -> "instead of PyTorch, time each cell with the convolution route off and on (WGANGP_CONV_ROUTE), side by side"
            | Widths _ -> "width multipliers of the channel counts (DIM = 64 x w; default 1); with two or more, instead of PyTorch, time each cell at every width side by side, as ratios to the first"
            | Architectures _ -> "Figure 2 rows by name (dcgan constant-g mlp-g no-norm gated tanh resnet101; default: all)"
            | Methods _ -> "methods by name (wgan-gp wgan-clip dcgan lsgan; default: all)"
            | Size _ -> "resolution (default 32)"
            | Channels _ -> "image channels (default 3)"
            | Batch_Size _ -> "batch size (default 16)"
            | Iterations _ -> "timed generator iterations per cell (default 2)"
            | Warmup _ -> "untimed generator iterations first (default 1)"
            | Python _ -> "python with torch for bench/reference.py (default /usr/bin/python3)"
            | Report _ -> "also write the report (markdown) to this file, with the command that made it"

type MetricBenchArgs =
    | Sizes of counts: int list
    | Seed of seed: int
    | Python of path: string
    | Report of markdown: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Sizes _ -> "sample counts N (generated and reference each; default 10000 50000)"
            | Seed _ -> "seed of the random features (default 0)"
            | Python _ -> "python with scipy for bench/metric_sqrtm.py (default /usr/bin/python3)"
            | Report _ -> "also write the report (markdown) to this file, with the command that made it"

type BenchArgs =
    | [<CliPrefix(CliPrefix.None)>] Data of ParseResults<DataBenchArgs>
    | [<CliPrefix(CliPrefix.None)>] Step of ParseResults<StepBenchArgs>
    | [<CliPrefix(CliPrefix.None)>] Metrics of ParseResults<MetricBenchArgs>
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Metrics _ -> "time and peak memory of statistics, FID (and its matrix square root beside scipy's), IS and KID at 10k and 50k samples"
            | Step _ -> "seconds per generator iteration of each Figure 2 row x method, beside PyTorch's, and the trainer's overhead"
            | Data _ -> "images/s decoded from LMDB and folders, and the share of a 64x64 DCGAN step spent waiting for data"

type ListArgs =
    | Method of name: string
    | Width of multiplier: float
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Method _ -> "count the critic as built for this method (wgan-gp, the default; wgan-clip, dcgan, lsgan): its normaliser"
            | Width _ -> "build Figure 2's pairs at this multiple of the code's channel counts (DIM = 64 x w; default 1, the paper's)"

type SampleArgs =
    | [<MainCommand; ExactlyOnce>] Run_Dir of path: string
    | N of count: int
    | Out of path: string
    | Seed of seed: int
    | Checkpoint of which: string
    | Data_Path of path: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "a run directory (results/<experiment>/<cell id>)"
            | N _ -> "samples to draw (default 64)"
            | Out _ -> "output: a PNG grid for images, text for the language model, CSV for toys (default samples-<seed>.png/.txt/.csv in the current folder)"
            | Seed _ -> "noise seed (default 0)"
            | Checkpoint _ -> "best, or a checkpoint file (default: the newest)"
            | Data_Path _ -> "language model: where the corpus is now, for its vocabulary"

type ScoreArgs =
    | [<MainCommand; ExactlyOnce>] Run_Dir of path: string
    | Classifier of file: string
    | Inception of file: string
    | Data_Path of path: string
    | N of count: int
    | Seed of seed: int
    | Checkpoint of which: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "a run directory (results/<experiment>/<cell id>)"
            | Classifier _ -> "real images: score with this classifier (see run --classifier)"
            | Inception _ -> "real images: score with the FID Inception from this state_dict"
            | Data_Path _ -> "real images: where the dataset is now (default: where the run read it)"
            | N _ -> "samples to score (default: as many as the run scored at its end; runs from before cell.json recorded it: 2000)"
            | Seed _ -> "noise seed (default 0)"
            | Checkpoint _ -> "best, or a checkpoint file (default: the newest)"

type Command =
    | [<CliPrefix(CliPrefix.None)>] Run of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Sample of ParseResults<SampleArgs>
    | [<CliPrefix(CliPrefix.None)>] Score of ParseResults<ScoreArgs>
    | [<CliPrefix(CliPrefix.None)>] Plan of ParseResults<PlanArgs>
    | [<CliPrefix(CliPrefix.None)>] Table of ParseResults<TableArgs>
    | [<CliPrefix(CliPrefix.None)>] Submit of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Data of ParseResults<InspectArgs>
    | [<CliPrefix(CliPrefix.None)>] Bench of ParseResults<BenchArgs>
    | [<CliPrefix(CliPrefix.None)>] List of ParseResults<ListArgs>
    | [<CliPrefix(CliPrefix.None)>] Classifier of ParseResults<ClassifierCommand.ClassifierArgs>
    | [<CliPrefix(CliPrefix.None)>] Doctor of ParseResults<Doctor.DoctorArgs>
    | [<Inherit>] Verbose
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Doctor _ -> "check every convolution shape of the grid scripts on this CPU (float32 against float64) and the route around faulty ones"
            | Verbose -> "after an error line, print the .NET stack trace too, for bug reports (also: WGANGP_VERBOSE=1)"
            | Classifier _ -> "train or describe the dataset classifier behind classifier-IS/FID/KID (Fashion-MNIST, MNIST)"
            | List _ -> "the paper's architectures by name, with their source and parameter counts"
            | Sample _ -> "draw samples from a run's checkpoint (no grid script needed)"
            | Score _ -> "score fresh samples from a run's checkpoint with its dataset's scorers"
            | Bench _ -> "benchmarks (not tests): print measurements side by side from one run"
            | Data _ -> "open a dataset as training would and report its size, shape, read speed, values and skipped items"

            | Run _ -> "train the cells of an experiment script that are not done yet, make its figures, write its table"
            | Plan _ -> "list an experiment's cells with their ids and whether each is done"
            | Table _ -> "re-aggregate a results folder into summary.md and summary.csv without training"
            | Submit _ -> "submit the unfinished cells to a Slurm cluster as a job array (`wgangp table` afterwards)"

/// Evaluates a script; compile errors come back with file and line.
let loadExperiment (path: string) =
    let references =
        [ typeof<Experiment>.Assembly.Location
          typeof<WganGp.Core.Methods.Method>.Assembly.Location
          typeof<torch.Tensor>.Assembly.Location ]
    ScriptLoader.load<Experiment> references path "experiment"

let private report =
    function
    | Ok () -> Cli.Exit.Ok
    | Error (errors: string list) ->
        for e in errors do eprintfn $"error: {e}"
        Cli.Exit.Error

let private budget scale paper =
    if paper then Cells.PaperBudget else Cells.Scaled(defaultArg scale 1.0)

let private command () = "wgangp " + String.Join(" ", Environment.GetCommandLineArgs() |> Array.skip 1)

let private options (results: string option) budget select device figures decodeThreads : Runner.Options =
    { ResultsRoot = defaultArg results "results"; Budget = budget; Select = select; Device = device
      Figures = figures; DataPaths = Map.empty; DecodeThreads = decodeThreads; Command = command ()
      Schedule = Runner.Schedule.defaults; Cancel = Threading.CancellationToken.None; Table = true }

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

/// Prints a command's result lines.
let private printed (lines: string list) =
    lines |> List.iter (printfn "%s")
    Cli.Exit.Ok

/// Applies `--data NAME=PATH` to the options once the experiment (and so its datasets) is known.
let private relocate (pairs: string list) (opts: Runner.Options) (experiment: Experiment) =
    let datasets = experiment.Grids |> List.collect (fun g -> g.Datasets) |> Datasets.realOf
    Datasets.relocations datasets pairs |> Result.map (fun paths -> { opts with DataPaths = paths }, experiment)

/// Writes a benchmark's report lines to a file, headed by the command that made them.
let private writeReport (file: string option) (lines: string list) =
    file |> Option.iter (fun file ->
        match IO.Path.GetDirectoryName(IO.Path.GetFullPath file) with
        | null -> ()
        | dir -> IO.Directory.CreateDirectory dir |> ignore
        let made = DateTime.UtcNow.ToString "yyyy-MM-dd"
        IO.File.WriteAllLines(file, [ $"Produced by `{command ()}` on {made}."; "" ] @ lines))

/// The repository (the folder holding WganGp.sln) above the current directory, or the current directory.
let private repositoryRoot () =
    let rec up (dir: IO.DirectoryInfo | null) =
        match dir with
        | null -> Environment.CurrentDirectory
        | d when IO.File.Exists(IO.Path.Combine(d.FullName, "WganGp.sln")) -> d.FullName
        | d -> up d.Parent
    up (IO.DirectoryInfo Environment.CurrentDirectory)

/// The dataset `wgangp data` describes from its arguments.
let private dataOf (args: ParseResults<InspectArgs>) : RealData =
    let path = args.GetResult InspectArgs.Path
    let images () = WganGp.Core.Data.Images.ImageOptions(args.GetResult(InspectArgs.Size, defaultValue = 64), args.GetResult(InspectArgs.Channels, defaultValue = 3))
    let name = nonNull (IO.Path.GetFileName(IO.Path.GetFullPath(path).TrimEnd('/')))
    let scaling = WganGp.Core.Data.PixelScaling.MinusOneOne
    match args.GetResult Format with
    | DataFormatArg.Idx ->
        let prefix = args.GetResult(Split, defaultValue = "train")
        let pick stem = if IO.File.Exists(IO.Path.Combine(path, stem)) then stem else stem + ".gz"
        { Name = name; Path = path; Scaling = scaling
          Format = DataFormat.Idx(pick $"{prefix}-images-idx3-ubyte", pick $"{prefix}-labels-idx1-ubyte", None) }
    | DataFormatArg.Cifar10 ->
        { Name = name; Path = path; Scaling = scaling; Format = DataFormat.Cifar10(args.GetResult(Split, defaultValue = "train") <> "test") }
    | DataFormatArg.Folder -> { Name = name; Path = path; Scaling = scaling; Format = ImageFolder(images ()) }
    | DataFormatArg.Lmdb -> { Name = name; Path = path; Scaling = scaling; Format = DataFormat.Lmdb(images ()) }
    | DataFormatArg.Text -> { Name = name; Path = path; Scaling = scaling; Format = DataFormat.Text(WganGp.Core.Data.Text.CharCorpusOptions.Bytes) }

/// The flag values `run` and `plan` share, refused before any work.
let private budgetChecks scale (_paper: bool) = [ Cli.positive "--scale" scale ]

/// The flag values of `run` (and so of `submit`), refused before any work.
let private runChecks (r: ParseResults<RunArgs>) =
    budgetChecks (r.TryGetResult RunArgs.Scale) (r.Contains RunArgs.Paper)
        @ [ Cli.atLeast 1 "--threads" (r.TryGetResult Threads)
            Cli.atLeast 1 "--decode-threads" (r.TryGetResult RunArgs.Decode_Threads)
            Cli.atLeast 1 "--checkpoint-every" (r.TryGetResult Checkpoint_Every)
            Cli.atLeast 1 "--eval-every" (r.TryGetResult Eval_Every)
            Cli.atLeast 2 "--eval-samples" (r.TryGetResult Eval_Samples)
            Cli.atLeast 1 "--grid-every" (r.TryGetResult Grid_Every)
            Cli.atLeast 2 "--reference-count" (r.TryGetResult Reference_Count)
            Cli.device "--device" (r.TryGetResult Device) ]

/// The options of `submit` that `run` refuses.
let private submitOnly (r: ParseResults<RunArgs>) =
    [ if r.Contains Slurm then "--slurm"
      if r.Contains Dry_Run then "--dry-run"
      if r.Contains Partition then "--partition"
      if r.Contains Gres then "--gres"
      if r.Contains Time then "--time"
      if r.Contains Cpus_Per_Task then "--cpus-per-task" ]

/// What `run` (and every task of `submit`) runs with: one function of the one argument type.
let runOptions (r: ParseResults<RunArgs>) : Runner.Options =
    { options (r.TryGetResult RunArgs.Results) (budget (r.TryGetResult RunArgs.Scale) (r.Contains RunArgs.Paper))
          (r.GetResult(RunArgs.Cells, defaultValue = [])) (r.GetResult(Device, defaultValue = "cpu")) (not (r.Contains No_Figures))
          (r.GetResult(RunArgs.Decode_Threads, defaultValue = 1)) with
        Schedule =
            { CheckpointEvery = r.TryGetResult Checkpoint_Every; EvaluateEvery = r.TryGetResult Eval_Every
              EvaluationSamples = r.TryGetResult Eval_Samples; SampleGridEvery = r.TryGetResult Grid_Every
              TensorBoard = not (r.Contains No_Tensorboard)
              Scoring =
                  { Classifier = r.TryGetResult RunArgs.Classifier; Inception = r.TryGetResult RunArgs.Inception
                    ReferenceCount = r.GetResult(Reference_Count, defaultValue = Scoring.none.ReferenceCount) } }
        Table = not (r.Contains No_Table) }

/// One command's work; its errors are handled by Cli.guard (exit 1, or 2 for refused flag values).
let private execute (args: ParseResults<Command>) : Cli.Exit =
    match args.GetSubCommand() with
    | Run r ->
        Cli.refuse (runChecks r)
        Cli.refuse [ for flag in submitOnly r -> Some $"{flag} is an option of `wgangp submit`, not of `run`" ]
        torch.set_num_threads (r.GetResult(Threads, defaultValue = Environment.ProcessorCount))
        let cts, term = interruption ()
        use _ = cts
        use _ = term
        let opts = { runOptions r with Cancel = cts.Token }
        loadExperiment (r.GetResult RunArgs.Script)
        |> Result.bind (relocate (r.GetResult(RunArgs.Data, defaultValue = [])) opts)
        |> Result.bind (fun (opts', experiment) -> Runner.run opts' experiment)
        |> report
    | Sample s ->
        Cli.refuse [ Cli.atLeast 1 "--n" (s.TryGetResult SampleArgs.N) ]
        let seed = s.GetResult(SampleArgs.Seed, defaultValue = 0)
        printed (
            let runDir = s.GetResult SampleArgs.Run_Dir
            let recipe = CellRecipe.read runDir
            let extension =
                match recipe.Dataset with
                | Real { Format = DataFormat.Text _ } -> "txt"
                | Real _ -> "png"
                | Toy _ -> "csv"
            let out = s.GetResult(Out, defaultValue = $"samples-{seed}.{extension}")
            RunCommands.sample runDir (s.GetResult(SampleArgs.N, defaultValue = 64)) out seed (s.TryGetResult SampleArgs.Checkpoint) (s.TryGetResult SampleArgs.Data_Path))
    | Score s ->
        Cli.refuse [ Cli.atLeast 2 "--n" (s.TryGetResult ScoreArgs.N) ]
        printed (
            RunCommands.score (s.GetResult ScoreArgs.Run_Dir) (s.TryGetResult ScoreArgs.N) (s.GetResult(ScoreArgs.Seed, defaultValue = 0))
                (s.TryGetResult ScoreArgs.Checkpoint) (fun recipe ->
                    let scoring =
                        { Scoring.none with Classifier = s.TryGetResult ScoreArgs.Classifier; Inception = s.TryGetResult ScoreArgs.Inception }
                    let relocate (d: RealData) = s.TryGetResult ScoreArgs.Data_Path |> Option.defaultValue d.Path
                    Runner.scorersWith scoring recipe.Scoring relocate recipe.Dataset |> fst))
    | Plan p ->
        Cli.refuse (budgetChecks (p.TryGetResult PlanArgs.Scale) (p.Contains PlanArgs.Paper))
        let opts =
            options (p.TryGetResult PlanArgs.Results) (budget (p.TryGetResult PlanArgs.Scale) (p.Contains PlanArgs.Paper))
                (p.GetResult(PlanArgs.Cells, defaultValue = [])) "cpu" false 1
        loadExperiment (p.GetResult PlanArgs.Script)
        |> Result.bind (relocate (p.GetResult(PlanArgs.Data, defaultValue = [])) opts)
        |> Result.bind (fun (opts', experiment) -> Runner.plan opts' experiment)
        |> Result.map (List.iter (printfn "%s"))
        |> report
    | Submit s ->
        Cli.refuse (runChecks s @ [ Cli.atLeast 1 "--cpus-per-task" (s.TryGetResult Cpus_Per_Task) ])
        let opts = { runOptions s with Figures = false }
        let request: Slurm.Request =
            { Script = s.GetResult RunArgs.Script; Data = s.GetResult(RunArgs.Data, defaultValue = [])
              Threads = s.TryGetResult Threads; Device = s.TryGetResult Device; DryRun = s.Contains Dry_Run
              Resources =
                { Partition = s.TryGetResult Partition; Gres = s.TryGetResult Gres
                  Time = s.TryGetResult Time; CpusPerTask = s.TryGetResult Cpus_Per_Task } }
        (if s.Contains Slurm then loadExperiment request.Script
         else Error [ "say where to submit: --slurm (the only scheduler supported)" ])
        |> Result.bind (relocate request.Data opts)
        |> Result.bind (fun (opts', experiment) -> Slurm.submit opts' request experiment)
        |> Result.map (List.iter (printfn "%s"))
        |> report
    | Data d ->
        let split = d.TryGetResult Split
        Cli.refuse [
            Cli.atLeast 1 "--size" (d.TryGetResult InspectArgs.Size)
            Cli.oneOf [ 1; 3 ] "--channels" (d.TryGetResult InspectArgs.Channels)
            Cli.atLeast 1 "--batches" (d.TryGetResult Batches)
            Cli.atLeast 1 "--batch-size" (d.TryGetResult InspectArgs.Batch_Size)
            Cli.atLeast 1 "--decode-threads" (d.TryGetResult InspectArgs.Decode_Threads)
            (match d.GetResult Format with
             | DataFormatArg.Idx -> Cli.oneOf [ "train"; "t10k" ] "--split" split
             | DataFormatArg.Cifar10 -> Cli.oneOf [ "train"; "test" ] "--split" split
             | _ -> split |> Option.map (fun s -> $"--split {s}: only idx and cifar10 data have splits")) ]
        torch.set_num_threads Environment.ProcessorCount
        let data = dataOf d
        Datasets.inspect data data.Path (d.GetResult(Batches, defaultValue = 20)) (d.GetResult(InspectArgs.Batch_Size, defaultValue = 64))
            (int64 (d.GetResult(InspectArgs.Seed, defaultValue = 0))) (d.GetResult(InspectArgs.Decode_Threads, defaultValue = 1)) (d.TryGetResult Preview)
        |> printed
    | Bench b ->
        match b.GetSubCommand() with
        | BenchArgs.Data d ->
            Cli.refuse [
                Cli.atLeast 1 "--images" (d.TryGetResult DataBenchArgs.Images)
                Cli.atLeast 1 "--size" (d.TryGetResult DataBenchArgs.Size)
                Cli.atLeast 1 "--batch-size" (d.TryGetResult DataBenchArgs.Batch_Size)
                Cli.atLeast 1 "--iterations" (d.TryGetResult DataBenchArgs.Iterations)
                d.TryGetResult DataBenchArgs.Decode_Threads |> Option.bind (List.tryFind (fun t -> t < 1))
                |> Option.map (fun t -> $"--decode-threads {t}: expected whole numbers of at least 1") ]
            torch.set_num_threads Environment.ProcessorCount
            let options: DataBench.Options =
                { Folder = d.TryGetResult DataBenchArgs.Folder; Lmdb = d.TryGetResult DataBenchArgs.Lmdb
                  Images = d.GetResult(DataBenchArgs.Images, defaultValue = 256); Size = d.GetResult(DataBenchArgs.Size, defaultValue = 64)
                  BatchSize = d.GetResult(DataBenchArgs.Batch_Size, defaultValue = 64)
                  Threads = d.GetResult(DataBenchArgs.Decode_Threads, defaultValue = List.distinct [ 1; Environment.ProcessorCount ])
                  Iterations = d.GetResult(DataBenchArgs.Iterations, defaultValue = 10); Seed = d.GetResult(DataBenchArgs.Seed, defaultValue = 0) }
            DataBench.run options |> writeReport (d.TryGetResult DataBenchArgs.Report)
            Cli.Exit.Ok
        | BenchArgs.Step s ->
            Cli.refuse [
                Cli.atLeast 1 "--size" (s.TryGetResult StepBenchArgs.Size)
                Cli.oneOf [ 1; 3 ] "--channels" (s.TryGetResult StepBenchArgs.Channels)
                Cli.atLeast 1 "--batch-size" (s.TryGetResult StepBenchArgs.Batch_Size)
                Cli.atLeast 1 "--iterations" (s.TryGetResult StepBenchArgs.Iterations)
                Cli.atLeast 0 "--warmup" (s.TryGetResult Warmup)
                for w in s.GetResult(Widths, defaultValue = []) do
                    for v in Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() do
                        Figure2Width.check v (s.GetResult(StepBenchArgs.Size, defaultValue = 32)) w |> Option.map (fun p -> $"--widths: {p}") ]
            torch.set_num_threads Environment.ProcessorCount
            let variants = Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() |> List.ofArray
            let byName (names: string list) all (name: 'a -> string) what =
                names |> List.map (fun n ->
                    match all |> List.tryFind (fun a -> name a = n) with
                    | Some a -> a
                    | None ->
                        let known = String.Join(", ", all |> List.map name)
                        failwith $"unknown {what} '{n}'; known: {known}")
            let size, channels = s.GetResult(StepBenchArgs.Size, defaultValue = 32), s.GetResult(StepBenchArgs.Channels, defaultValue = 3)
            let architectures =
                match s.TryGetResult Architectures with
                | None -> variants
                | Some names -> byName names variants Names.figure2 "architecture"
            let methods =
                match s.TryGetResult StepBenchArgs.Methods with
                | None -> Paper.Lsun.methods
                | Some names -> byName names Paper.Lsun.methods (fun m -> m.Name) "method"
            let widths = s.GetResult(Widths, defaultValue = [ 1.0 ])
            let options: StepBench.Options =
                { Architectures = architectures |> List.map (fun v -> Figure2(v, size, channels, List.head widths)); Methods = methods
                  Widths = widths
                  Size = size; Channels = channels; BatchSize = s.GetResult(StepBenchArgs.Batch_Size, defaultValue = 16)
                  Iterations = s.GetResult(StepBenchArgs.Iterations, defaultValue = 2); Warmup = s.GetResult(StepBenchArgs.Warmup, defaultValue = 1)
                  Seed = 0; Python = s.GetResult(StepBenchArgs.Python, defaultValue = "/usr/bin/python3")
                  Reference = IO.Path.Combine(repositoryRoot (), "bench", "reference.py") }
            (if s.Contains Conv_Route then StepBench.routeCost options
             elif widths.Length > 1 then StepBench.widthCost options
             else StepBench.run options)
            |> writeReport (s.TryGetResult StepBenchArgs.Report)
            Cli.Exit.Ok
        | BenchArgs.Metrics m ->
            Cli.refuse [
                m.TryGetResult Sizes |> Option.bind (List.tryFind (fun n -> n < 2))
                |> Option.map (fun n -> $"--sizes {n}: expected sample counts of at least 2") ]
            torch.set_num_threads Environment.ProcessorCount
            let options: MetricBench.Options =
                { Sizes = m.GetResult(Sizes, defaultValue = [ 10000; 50000 ]); Dim = 2048; Classes = 1008
                  Seed = m.GetResult(MetricBenchArgs.Seed, defaultValue = 0)
                  Python = m.GetResult(MetricBenchArgs.Python, defaultValue = "/usr/bin/python3")
                  Reference = IO.Path.Combine(repositoryRoot (), "bench", "metric_sqrtm.py") }
            MetricBench.run options |> writeReport (m.TryGetResult MetricBenchArgs.Report)
            Cli.Exit.Ok
    | List l ->
        let name = l.GetResult(Method, defaultValue = "wgan-gp")
        let method =
            match Paper.Lsun.methods |> List.tryFind (fun m -> m.Name = name) with
            | Some m -> m
            | None -> failwith $"unknown method '{name}'; known: wgan-gp, wgan-clip, dcgan, lsgan"
        let width = l.GetResult(Width, defaultValue = 1.0)
        Cli.refuse [ for v in Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() -> Figure2Width.check v 64 width |> Option.map (fun p -> $"--width: {p}") ]
        printfn $"| architecture | source | input | G params | D params (critic for {name}) |"
        printfn "|---|---|---|---:|---:|"
        for architecture, source in Paper.catalog do
            let architecture = withWidth width architecture
            let shape = Cells.inputShape architecture |> Array.map (fun d -> if d < 0L then 100L else d)
            let generator, critic, _ = Cells.networks architecture method WganGp.Core.Nets.InitScheme.Tflib shape
            let count (f: Func<torch.nn.Module<torch.Tensor, torch.Tensor>>) =
                use m = f.Invoke()
                m.parameters() |> Seq.sumBy (fun p -> p.numel())
            let input = String.Join("x", shape)
            printfn $"| {Names.architecture architecture} | {source} | {input} | {count generator:N0} | {count critic:N0} |"
        Cli.Exit.Ok
    | Classifier c -> ClassifierCommand.run c
    | Doctor d -> Doctor.run loadExperiment d
    | Table t -> Runner.table (t.GetResult Dir) (command ()) [] |> Result.map (printfn "%s") |> Result.mapError List.singleton |> report
    | Verbose -> raise (Cli.UsageError [ "say which command to run: wgangp --help lists them" ])

[<EntryPoint>]
let main argv =
    // libtorch's repeated native warnings (NNPACK on CPUs it does not support) never reach the terminal.
    if WganGp.Core.Numerics.LibtorchLog.HideWarnings() && Cli.isVerbose argv then
        eprintfn "libtorch: its warnings are hidden (on this CPU NNPACK may repeat 'Could not initialize NNPACK! Reason: Unsupported hardware.')"
    Cli.guard argv (fun () ->
        match Cli.parse<Command> "wgangp" argv with
        | Ok args -> execute args
        | Error code -> code)
