/// Scale-out on Slurm: a job array with one task per unfinished cell and per figure not yet made, each task running this
/// same wgangp as `wgangp run <script> --cells <id> --no-figures` or `wgangp run <script> --figure <name>`, so a task
/// takes exactly the code path of a local run (and a requeued task finds its run directories as a rerun would).
module WganGp.Experiments.Slurm

open System
open System.Diagnostics
open System.Globalization
open System.IO
open WganGp.Experiments.Dsl

/// What every task asks Slurm for beyond the array itself; None leaves the cluster's default.
type Resources =
    { Partition: string option
      /// e.g. gpu:1
      Gres: string option
      /// Slurm's time formats, e.g. 2-00:00:00
      Time: string option
      CpusPerTask: int option }

/// A submission: the grid selection is in Runner.Options; this is what a task needs to run it the same way.
type Request =
    { Script: string
      /// `--data NAME=PATH` as given (paths are made absolute for the tasks).
      Data: string list
      Threads: int option
      Device: string option
      Resources: Resources
      /// Write job.sh and tasks.txt and show them, but do not call sbatch.
      DryRun: bool }

/// One array task: a cell to train or a figure to make.
type Task =
    | CellTask of id: string
    | FigureTask of name: string

    /// Its line in tasks.txt, which job.sh reads back.
    member t.Line =
        match t with
        | CellTask id -> "cell " + id
        | FigureTask name -> "figure " + name

/// The files of one submission.
type Prepared = { Folder: string; TasksFile: string; JobScript: string; Tasks: Task list }

/// A word for bash: as it is when it is plainly safe, else single-quoted.
let quote (s: string) =
    let plain c = Char.IsAsciiLetterOrDigit c || "-_./=:+,@%".Contains(c: char)
    if s <> "" && Seq.forall plain s then s else "'" + s.Replace("'", "'\"'\"'") + "'"

/// The command that starts this same wgangp: its apphost, or `<dotnet host> <wgangp.dll>` when the process is the
/// dotnet host (`dotnet wgangp.dll`) or another program that loaded wgangp.dll.
let self () : string list =
    let dll = typeof<Resources>.Assembly.Location
    let name (p: string) = Path.GetFileNameWithoutExtension p |> nonNull
    match Environment.ProcessPath with
    | null -> [ "dotnet"; dll ]
    | host when name host = "dotnet" -> [ host; dll ]
    | apphost when name apphost = name dll -> [ apphost ]
    | _ -> [ "dotnet"; dll ]

/// The arguments of `wgangp run` that every task gets, before its own (`--no-figures --cells <id>` for a cell,
/// `--figure <name>` for a figure): every option of the submission's `run` options (script, results, budget, data,
/// device, threads — --cpus-per-task when --threads is not given —, decoding threads, checkpoint and evaluation
/// schedule, sample grids, TensorBoard, scorers, the table), paths made absolute. Each task writes the folder's table
/// when it ends, in turn with the others (Runner.tableLock): the last task to finish leaves it complete. A test parses
/// them back with `run`'s parser and compares the options.
let taskArguments (options: Runner.Options) (request: Request) : string list =
    [ "run"
      Path.GetFullPath request.Script
      "--results"
      Path.GetFullPath options.ResultsRoot
      match options.Budget with
      | Cells.PaperBudget -> "--paper"
      | Cells.Scaled factor ->
          "--scale"
          factor.ToString("R", CultureInfo.InvariantCulture)
      if not request.Data.IsEmpty then
          "--data"
          for pair in request.Data do
              match pair.IndexOf '=' with
              | i when i > 0 -> pair.Substring(0, i + 1) + Path.GetFullPath(pair.Substring(i + 1))
              | _ -> pair
      // Without --threads a task uses every core it can see: --cpus-per-task when given, since a cluster that binds
      // no tasks to cores would otherwise let each task oversubscribe the whole node.
      match request.Threads |> Option.orElse request.Resources.CpusPerTask with
      | Some n -> yield! [ "--threads"; string n ]
      | None -> ()
      match request.Device with
      | Some d -> yield! [ "--device"; d ]
      | None -> ()
      if options.DecodeThreads <> 1 then yield! [ "--decode-threads"; string options.DecodeThreads ]
      if options.Precision <> WganGp.Core.Numerics.Precision.Float32 then
          yield! [ "--precision"; WganGp.Core.Numerics.PrecisionNames.Name options.Precision ]
      let s = options.Schedule
      let some flag = function Some (n: int) -> [ flag; string n ] | None -> []
      yield! some "--checkpoint-every" s.CheckpointEvery
      yield! some "--eval-every" s.EvaluateEvery
      yield! some "--eval-samples" s.EvaluationSamples
      yield! some "--grid-every" s.SampleGridEvery
      if not s.TensorBoard then "--no-tensorboard"
      match s.Scoring.Classifier with Some f -> yield! [ "--classifier"; Path.GetFullPath f ] | None -> ()
      match s.Scoring.Inception with Some f -> yield! [ "--inception"; Path.GetFullPath f ] | None -> ()
      if s.Scoring.ReferenceCount <> Scoring.none.ReferenceCount then yield! [ "--reference-count"; string s.Scoring.ReferenceCount ]
      if not options.Table then "--no-table" ]

/// A task's own arguments, after `taskArguments`: what job.sh adds for the line it reads (the same words, written there
/// as shell).
let ownArguments =
    function
    | CellTask id -> [ "--no-figures"; "--cells"; id ]
    | FigureTask name -> [ "--figure"; name ]

/// job.sh: an array of `count` tasks named wgangp-<experiment>, requeueable, each appending to <folder>/<job>_<task>.out;
/// task k reads line k+1 of tasks.txt (`cell <id>` or `figure <name>`) and runs `command` with that task's own
/// arguments (`ownArguments`).
let jobScript (experiment: string) (resources: Resources) (folder: string) (count: int) (command: string list) =
    if count < 1 then invalidArg (nameof count) $"a job array needs at least one task, got {count}"
    // #SBATCH lines are not read by a shell: sbatch takes a double-quoted value whole.
    let value (s: string) = if s |> Seq.exists Char.IsWhiteSpace then "\"" + s + "\"" else s
    let tasksFile = Path.Combine(folder, "tasks.txt")
    let line = "$((SLURM_ARRAY_TASK_ID+1))"
    let exec = "exec " + String.Join(" ", command |> List.map quote)
    String.Join(
        "\n",
        [ "#!/bin/bash"
          "# Written by `wgangp submit`: task k runs line k+1 of tasks.txt (a cell or a figure), exactly as `wgangp run` would."
          "#SBATCH --job-name=" + value ("wgangp-" + experiment)
          $"#SBATCH --array=0-{count - 1}"
          "#SBATCH --requeue"
          "#SBATCH --open-mode=append"
          "#SBATCH --output=" + value (Path.Combine(folder, "%A_%a.out"))
          match resources.Partition with Some p -> $"#SBATCH --partition={value p}" | None -> ()
          match resources.Gres with Some g -> $"#SBATCH --gres={value g}" | None -> ()
          match resources.Time with Some t -> $"#SBATCH --time={value t}" | None -> ()
          match resources.CpusPerTask with Some n -> $"#SBATCH --cpus-per-task={n}" | None -> ()
          "set -euo pipefail"
          $"task=$(sed -n \"{line}p\" {quote tasksFile})"
          "kind=${task%% *}"
          "name=${task#* }"
          "echo \"task $SLURM_ARRAY_TASK_ID (job ${SLURM_ARRAY_JOB_ID:-?}, restart ${SLURM_RESTART_COUNT:-0}) on $(hostname): $task\""
          // exec: Slurm's SIGTERM on cancel, preemption or requeue reaches wgangp itself.
          "case \"$kind\" in"
          // What `ownArguments` gives each kind of task.
          $"    cell) {exec} --no-figures --cells \"$name\" ;;"
          $"    figure) {exec} --figure \"$name\" ;;"
          $"    *) echo \"line {line} of {tasksFile} is neither 'cell <id>' nor 'figure <name>': '$task'\" >&2; exit 1 ;;"
          "esac"
          "" ]
    )

/// What a submission asks for: how many cells and figures it selects, and the tasks for those not done yet (cells
/// neither finished nor diverged, figures not made from the same settings), in grid order, cells first. Error with
/// what `run` would refuse.
let pending (options: Runner.Options) (experiment: Experiment) : Result<int * Task list, string list> =
    Cells.ofExperiment options.Budget experiment
    |> Result.bind (fun cells ->
        match Runner.refusals options experiment cells with
        | [] ->
            let dir = Runner.experimentDir options experiment
            let chosen = Runner.chosenCells options cells
            let figures = Runner.chosenFigures options experiment
            let tasks =
                [ for c in chosen do
                      if not (RunDirectory.isDone (Path.Combine(dir, Cells.id c))) then CellTask(Cells.id c)
                  for f in figures do
                      if not (Figures.isMade dir options.Budget f) then FigureTask(Figures.name f) ]
            Ok(chosen.Length + figures.Length, tasks)
        | problems -> Error problems)

/// sbatch on the PATH, if any.
let private sbatchPath () =
    (Environment.GetEnvironmentVariable "PATH" |> Option.ofObj |> Option.defaultValue "").Split(Path.PathSeparator)
    |> Array.filter (fun d -> d <> "")
    |> Array.map (fun d -> Path.Combine(d, "sbatch"))
    |> Array.tryFind File.Exists

/// Writes <results>/<experiment>/slurm/<UTC time>/ with tasks.txt (one task a line) and job.sh.
let prepare (options: Runner.Options) (request: Request) (experiment: Experiment) (tasks: Task list) : Prepared =
    let root = Path.Combine(Path.GetFullPath(Runner.experimentDir options experiment), "slurm")
    let stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
    // Two submissions within a second, from one process or two, get distinct folders: a folder is claimed by creating
    // its tasks.txt, which only one process can (O_EXCL).
    let claim (folder: string) =
        Directory.CreateDirectory folder |> ignore
        let tasksFile = Path.Combine(folder, "tasks.txt")
        try Some(folder, new FileStream(tasksFile, FileMode.CreateNew, FileAccess.Write))
        with :? IOException when File.Exists tasksFile -> None
    let folder, claimed =
        Seq.initInfinite (fun i -> if i = 0 then stamp else $"{stamp}-{i + 1}") |> Seq.pick (fun name -> claim (Path.Combine(root, name)))
    let tasksFile = Path.Combine(folder, "tasks.txt")
    using (new StreamWriter(claimed)) (fun w -> w.Write(String.Join("", tasks |> List.map (fun t -> t.Line + "\n"))))
    let jobFile = Path.Combine(folder, "job.sh")
    File.WriteAllText(jobFile, jobScript experiment.Name request.Resources folder tasks.Length (self () @ taskArguments options request))
    if not (OperatingSystem.IsWindows()) then
        File.SetUnixFileMode(jobFile, File.GetUnixFileMode jobFile ||| UnixFileMode.UserExecute)
    { Folder = folder; TasksFile = tasksFile; JobScript = jobFile; Tasks = tasks }

/// Runs `sbatch --parsable job.sh` and returns the job id.
let private sbatch (sbatchExe: string) (prepared: Prepared) =
    let start = ProcessStartInfo(sbatchExe, [ "--parsable"; prepared.JobScript ], UseShellExecute = false,
                                 RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = prepared.Folder)
    use p = Process.Start start |> nonNull
    let stderr = p.StandardError.ReadToEndAsync()
    let stdout = p.StandardOutput.ReadToEnd()
    p.WaitForExit()
    // --parsable prints "<job id>" or "<job id>;<cluster>".
    match p.ExitCode, stdout.Trim().Split(';').[0] with
    | 0, id when id <> "" -> Ok id
    | code, _ -> Error [ $"sbatch {prepared.JobScript} failed (exit code {code}): {stderr.Result.Trim()} {stdout.Trim()}".TrimEnd() ]

/// Submits the unfinished selected cells and figures as one job array; the lines to print, or errors. Nothing is
/// written or submitted when everything selected is done; without sbatch on the PATH (and not a dry run) it is an error.
let submit (options: Runner.Options) (request: Request) (experiment: Experiment) : Result<string list, string list> =
    match pending options experiment with
    | Error e -> Error e
    | Ok(chosen, []) ->
        Ok [ $"{experiment.Name}: all {chosen} selected cells and figures are done; nothing to submit (see `wgangp plan`)" ]
    | Ok(_, tasks) ->
        let dir = Path.GetFullPath(Runner.experimentDir options experiment)
        let table =
            let summary = Path.Combine(dir, "summary.md")
            if options.Table then $"the last task to finish writes {summary}"
            else $"when they finish: wgangp table {quote dir}"
        let count = List.length tasks
        match request.DryRun, sbatchPath () with
        | false, None -> Error [ "sbatch not found on the PATH: submit from a Slurm login node (Debian: apt-get install slurm-client), or pass --dry-run to only write the job" ]
        | true, _ ->
            let p = prepare options request experiment tasks
            Ok [ $"dry run: {count} tasks written to {p.Folder}, not submitted"
                 $"--- {p.TasksFile}"
                 yield! p.Tasks |> List.map _.Line
                 $"--- {p.JobScript}"
                 File.ReadAllText(p.JobScript).TrimEnd()
                 $"--- submit with: sbatch {quote p.JobScript}"
                 table ]
        | false, Some exe ->
            let p = prepare options request experiment tasks
            sbatch exe p
            |> Result.map (fun job ->
                File.WriteAllText(Path.Combine(p.Folder, "job-id.txt"), job + "\n")
                [ $"submitted job {job}: {count} tasks (wgangp-{experiment.Name}), one per unfinished cell or figure"
                  $"logs: {p.Folder}"
                  table ])
