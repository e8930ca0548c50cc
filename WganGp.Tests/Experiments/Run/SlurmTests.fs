module WganGp.Tests.SlurmTests

open System
open System.ComponentModel
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open System.Threading
open Expecto
open WganGp.Core.Data
open WganGp.Core.Training
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Tests.Support

// ---------------------------------------------------------------------------------------------------------------
// Processes

/// Runs a program to completion; its exit code and stdout + stderr, or Error when it cannot be started.
let private tryExec (timeout: TimeSpan) (file: string) (args: string list) =
    let info = ProcessStartInfo(file, args, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true)
    try
        use p = Process.Start info |> nonNull
        let out = p.StandardOutput.ReadToEndAsync()
        let err = p.StandardError.ReadToEndAsync()
        if not (p.WaitForExit timeout) then
            p.Kill true
            p.WaitForExit()
            Ok(124, $"{file} {String.Join(' ', args)}: killed after {timeout.TotalSeconds:F0} s\n{out.Result}{err.Result}")
        else
            p.WaitForExit()
            Ok(p.ExitCode, out.Result + err.Result)
    with :? Win32Exception as e -> Error $"{file}: {e.Message}"

/// Runs a program that must succeed; its output.
let private exec timeout file args =
    match tryExec timeout file args with
    | Ok(0, out) -> out
    | Ok(code, out) -> failtestf "%s %s exited with %d:\n%s" file (String.concat " " args) code out
    | Error e -> failtest e

/// This build's wgangp, as a user would start it: `dotnet wgangp.dll ...`.
let private wgangp (timeout: float) (args: string list) =
    let host = Environment.GetEnvironmentVariable "DOTNET_HOST_PATH" |> Option.ofObj |> Option.defaultValue "dotnet"
    exec (TimeSpan.FromSeconds timeout) host (typeof<Runner.Options>.Assembly.Location :: args)

/// Polls `condition` every 0.2 s; fails after `seconds` with `what` and the diagnosis.
let private waitUntil (seconds: float) (what: string) (diagnose: unit -> string) (condition: unit -> bool) =
    let clock = Stopwatch.StartNew()
    while not (condition ()) do
        if clock.Elapsed.TotalSeconds > seconds then failtestf "%s: not within %.0f s\n%s" what seconds (diagnose ())
        Thread.Sleep 200

// ---------------------------------------------------------------------------------------------------------------
// The cluster

/// Starts the one-node cluster with .ci/slurm-up unless sinfo already answers; fails (never skips) with the reason.
let private ensureCluster () =
    let answers () =
        match tryExec (TimeSpan.FromSeconds 15.0) "sinfo" [ "-h"; "-o"; "%T" ] with
        | Ok(0, out) -> Regex.IsMatch(out, "idle|mixed|alloc")
        | _ -> false
    if not (answers ()) then
        let up = Path.Combine(repoRoot, ".ci", "slurm-up")
        match tryExec (TimeSpan.FromSeconds 90.0) up [] with
        | Ok(0, _) -> ()
        | Ok(code, out) -> failtestf "no Slurm cluster: sinfo does not answer and %s failed (exit %d):\n%s" up code out
        | Error e -> failtestf "no Slurm cluster: sinfo does not answer and %s could not start: %s" up e

/// Array tasks of a job still queued or running, as "<job>_<task> <STATE>" lines (none once it has left the queue).
let private queued (job: string) =
    match tryExec (TimeSpan.FromSeconds 15.0) "squeue" [ "-h"; "-r"; "-j"; job; "-o"; "%i %T" ] with
    | Ok(0, out) -> out.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries) |> List.ofArray
    // Slurm forgets a finished job after MinJobAge; squeue then calls the id invalid.
    | Ok(_, out) when out.Contains "Invalid job id" -> []
    | Ok(code, out) -> failtestf "squeue -j %s failed (exit %d): %s" job code out
    | Error e -> failtest e

/// squeue's whole queue and the end of every task log in the folder, for failure messages.
let private diagnosis (logs: string) () =
    let queue =
        match tryExec (TimeSpan.FromSeconds 15.0) "squeue" [ "-r" ] with
        | Ok(_, out) -> out
        | Error e -> e
    let tail (file: string) =
        let lines = File.ReadAllLines file
        $"--- {file}\n" + String.Join("\n", lines |> Array.skip (max 0 (lines.Length - 15)))
    let files = if Directory.Exists logs then Directory.GetFiles(logs, "*.out") |> Array.sort else [||]
    $"squeue:\n{queue}\n" + String.Join("\n", files |> Array.map tail)

/// `wgangp submit` for the script; the job id and the log folder it printed.
let private submit (script: string) (results: string) =
    let out = wgangp 120.0 [ "submit"; script; "--slurm"; "--results"; results; "--threads"; "1" ]
    let job = Regex.Match(out, @"submitted job (\d+): (\d+) tasks")
    let logs = Regex.Match(out, @"(?m)^logs: (.+)$")
    if not (job.Success && logs.Success) then failtestf "wgangp submit printed no job id and log folder:\n%s" out
    job.Groups.[1].Value, logs.Groups.[1].Value.Trim()

let private waitForJob (seconds: float) (job: string) (logs: string) =
    waitUntil seconds $"job {job} leaves the queue" (diagnosis logs) (fun () -> (queued job).IsEmpty)

// ---------------------------------------------------------------------------------------------------------------
// Grids

/// Three toy cells of a few seconds each (one thread): long enough to cancel one while it trains; and a small Figure 1a.
let private script =
    """open WganGp.Core.Data
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let tiny =
    { Grid.named "tiny" with
        Datasets = [ Toy ToyKind.EightGaussians ]
        Architectures = [ ToyMlp(64, 3) ]
        Methods = [ Toy.wganGp ]
        Seeds = [ 0; 1; 2 ]
        Iterations = 400
        BatchSize = 128
        SampleCount = 500 }

let surfaces =
    Figure1a { Datasets = [ ToyKind.EightGaussians ]; FixedGenerator = RealPlusNoise; Methods = [ Toy.wganGp ]
               Architecture = ToyMlp(32, 3); Iterations = 30; PaperIterations = 30; BatchSize = 64; Seed = 0 }

let experiment = { Experiment.named "slurmtiny" with Grids = [ tiny ]; Figures = [ surfaces ] }
"""

/// The same shape of grid as a value, for the in-process tests.
let private experiment =
    { Experiment.named "slurmunit" with
        Grids =
            [ { Grid.named "tiny" with
                  Datasets = [ Toy ToyKind.EightGaussians ]
                  Architectures = [ ToyMlp(8, 2) ]
                  Methods = [ Paper.Toy.wganGp ]
                  Seeds = [ 0; 1; 2 ]
                  Iterations = 10 } ] }

let private options root : Runner.Options =
    { ResultsRoot = root; Budget = Cells.Scaled 1.0; Select = []; Device = "cpu"; Figures = Runner.NoFigures
      DataPaths = Map.empty; DecodeThreads = 1; Precision = WganGp.Core.Numerics.Precision.Float32; Command = "test"; Table = true
      Schedule = Runner.Schedule.defaults; Cancel = System.Threading.CancellationToken.None }

let private noResources: Slurm.Resources = { Partition = None; Gres = None; Time = None; CpusPerTask = None }

let private request: Slurm.Request =
    { Script = "experiments/toy.fsx"; Data = []; Threads = None; Device = None; Resources = noResources; DryRun = true }

let private lines (s: string) = s.Split('\n') |> List.ofArray

let private slurmFolders root =
    let dir = Path.Combine(root, experiment.Name, "slurm")
    if Directory.Exists dir then Directory.GetDirectories dir |> List.ofArray else []

let private idsOf () =
    match Cells.ofExperiment (Cells.Scaled 1.0) experiment with
    | Ok cells -> cells |> List.map Cells.id
    | Error e -> failtestf "%A" e

let tests =
    testList "Slurm" [
        test "job.sh: an array of one task per cell, requeueable, appending to per-task logs, running wgangp on line k+1" {
            let resources: Slurm.Resources = { Partition = Some "gpu"; Gres = Some "gpu:1"; Time = Some "1-00:00:00"; CpusPerTask = Some 4 }
            let job = Slurm.jobScript "lsun" resources "/shared/r/lsun/slurm/T" 28 [ "/opt/dotnet"; "/a b/wgangp.dll"; "run"; "x.fsx" ]
            let ls = lines job
            Expect.equal ls.Head "#!/bin/bash" "a bash script"
            for expected in
                [ "#SBATCH --job-name=wgangp-lsun"; "#SBATCH --array=0-27"; "#SBATCH --requeue"; "#SBATCH --open-mode=append"
                  "#SBATCH --output=/shared/r/lsun/slurm/T/%A_%a.out"; "#SBATCH --partition=gpu"; "#SBATCH --gres=gpu:1"
                  "#SBATCH --time=1-00:00:00"; "#SBATCH --cpus-per-task=4"
                  "task=$(sed -n \"$((SLURM_ARRAY_TASK_ID+1))p\" /shared/r/lsun/slurm/T/tasks.txt)"
                  "    cell) exec /opt/dotnet '/a b/wgangp.dll' run x.fsx --no-figures --cells \"$name\" ;;"
                  "    figure) exec /opt/dotnet '/a b/wgangp.dll' run x.fsx --figure \"$name\" ;;" ] do
                Expect.contains ls expected "line of job.sh"
            // sbatch stops reading #SBATCH lines at the first command.
            let firstCommand = ls |> List.findIndex (fun l -> l <> "" && not (l.StartsWith "#"))
            Expect.isTrue (ls |> List.indexed |> List.forall (fun (i, l) -> not (l.StartsWith "#SBATCH") || i < firstCommand)) "directives first"
            let plain = Slurm.jobScript "toy" noResources "/r" 1 [ "wgangp" ]
            Expect.contains (lines plain) "#SBATCH --array=0-0" "one task"
            for absent in [ "--partition"; "--gres"; "--time"; "--cpus-per-task" ] do
                Expect.isFalse (plain.Contains absent) $"{absent} only when asked for"
            throwsWith<ArgumentException> "at least one task" (fun () -> Slurm.jobScript "toy" noResources "/r" 0 [ "wgangp" ] |> ignore)
        }

        test "a task's command line, parsed as `wgangp run`, gives the submission's run options: every option reaches the task" {
            let parser = Argu.ArgumentParser.Create<RunCommand.RunArgs>(programName = "wgangp run")
            let submission =
                [ "experiments/toy.fsx"; "--slurm"; "--results"; "res"; "--scale"; "0.5"; "--threads"; "2"; "--device"; "cpu"
                  "--decode-threads"; "3"; "--checkpoint-every"; "7"; "--eval-every"; "5"; "--eval-samples"; "300"
                  "--grid-every"; "9"; "--no-tensorboard"; "--classifier"; "c.weights"; "--inception"; "i.pth"
                  "--reference-count"; "400"; "--data"; "lsun=data/lsun"; "--precision"; "bf16"
                  "--partition"; "p"; "--cpus-per-task"; "2"; "--dry-run" ]
            let parsed = parser.ParseCommandLine(Array.ofList submission)
            let submitted = RunCommand.runOptions parsed
            let request = { request with Data = [ "lsun=data/lsun" ]; Threads = Some 2; Device = Some "cpu" }
            let task = Slurm.taskArguments submitted request
            Expect.equal task.Head "run" "a task runs `wgangp run`"
            let ran = parser.ParseCommandLine(Array.ofList (List.tail task @ Slurm.ownArguments (Slurm.CellTask "some-id")))
            // What a run is given, with paths compared as the absolute paths the tasks get.
            let comparable (o: Runner.Options) =
                let full = Option.map Path.GetFullPath
                Path.GetFullPath o.ResultsRoot, o.Budget, o.Device, o.DecodeThreads, o.Precision, o.Table,
                { o.Schedule with Scoring = { o.Schedule.Scoring with Classifier = full o.Schedule.Scoring.Classifier; Inception = full o.Schedule.Scoring.Inception } }
            Expect.equal (comparable (RunCommand.runOptions ran)) (comparable submitted) "the task's options are the submission's"
            Expect.equal (ran.GetResult RunCommand.RunArgs.Threads) 2 "threads"
            Expect.equal (ran.GetResult RunCommand.RunArgs.Data) [ "lsun=" + Path.GetFullPath "data/lsun" ] "data, absolute"
            Expect.equal (ran.GetResult RunCommand.RunArgs.Script) (Path.GetFullPath "experiments/toy.fsx") "script, absolute"
            Expect.isTrue (ran.Contains RunCommand.RunArgs.No_Figures) "a cell task makes no figures"
            Expect.isFalse (ran.Contains RunCommand.RunArgs.No_Table) "and writes the table, as the submission would"
            Expect.equal (RunCommand.runOptions ran).Select [ "some-id" ] "a cell task trains its cell"
            let figure = parser.ParseCommandLine(Array.ofList (List.tail task @ Slurm.ownArguments (Slurm.FigureTask "figure1a")))
            Expect.equal (comparable (RunCommand.runOptions figure)) (comparable submitted) "a figure task's options are the submission's"
            Expect.equal (RunCommand.runOptions figure).Figures (Runner.OnlyFigures [ "figure1a" ]) "a figure task makes its figure only"
            for slurmOnly in [ "--slurm"; "--partition"; "--cpus-per-task"; "--dry-run" ] do
                Expect.isFalse (List.contains slurmOnly task) $"{slurmOnly} stays with the submission"
        }

        test "each task runs `wgangp run` with the submission's script, results, budget, data, threads and table" {
            let args = Slurm.taskArguments { options "res" with Budget = Cells.Scaled 0.25 } { request with Data = [ "lsun=data/lsun" ]; Threads = Some 2; Device = Some "cuda" }
            Expect.equal args
                [ "run"; Path.GetFullPath "experiments/toy.fsx"; "--results"; Path.GetFullPath "res"; "--scale"; "0.25"
                  "--data"; "lsun=" + Path.GetFullPath "data/lsun"; "--threads"; "2"; "--device"; "cuda" ]
                "absolute paths, the same options"
            let untabled = Slurm.taskArguments { options "res" with Table = false } request
            Expect.equal (List.last untabled) "--no-table" "a submission without the table: tasks without it"
            let paper = Slurm.taskArguments { options "res" with Budget = Cells.PaperBudget } { request with Resources = { noResources with CpusPerTask = Some 3 } }
            Expect.contains paper "--paper" "paper budget"
            Expect.isFalse (List.contains "--scale" paper) "no scale with the paper's budget"
            Expect.equal (paper |> List.skipWhile ((<>) "--threads") |> List.truncate 2) [ "--threads"; "3" ] "threads follow --cpus-per-task"
            Expect.equal (Slurm.quote "it's") "'it'\"'\"'s'" "single quotes survive"
        }

        test "a dry run writes tasks.txt with the unfinished selected cells only; nothing to do writes nothing" {
            inTempDir (fun root ->
                let ids = idsOf ()
                let dryRun opts =
                    match Slurm.submit opts request experiment with
                    | Ok out -> String.Join("\n", out)
                    | Error e -> failtestf "%A" e
                let out = dryRun (options root)
                Expect.stringContains out "dry run: 3 tasks" "all three pending"
                let folder = slurmFolders root |> List.exactlyOne
                Expect.equal (File.ReadAllLines(Path.Combine(folder, "tasks.txt")) |> List.ofArray) [ for id in ids -> "cell " + id ] "tasks.txt: grid order"
                Expect.stringContains (File.ReadAllText(Path.Combine(folder, "job.sh"))) "#SBATCH --array=0-2" "job.sh beside it"
                // One finished, one diverged (both done), one killed mid-run (no status): only the last is submitted.
                RunFiles(Path.Combine(root, experiment.Name, ids.[0])).WriteStatus(RunStatus.Finished, 10, 1.0)
                RunFiles(Path.Combine(root, experiment.Name, ids.[1])).WriteStatus(RunStatus.Diverged, 3, 1.0)
                Directory.CreateDirectory(Path.Combine(root, experiment.Name, ids.[2])) |> ignore
                Thread.Sleep 1100 // a new timestamped folder
                dryRun (options root) |> ignore
                let newest = slurmFolders root |> List.except [ folder ] |> List.exactlyOne
                Expect.equal (File.ReadAllLines(Path.Combine(newest, "tasks.txt")) |> List.ofArray) [ "cell " + ids.[2] ] "only the unfinished cell"
                let selectedDone = dryRun { options root with Select = [ "-s0-"; "-s1-" ] }
                Expect.stringContains selectedDone "nothing to submit" "selected cells all done"
                Expect.equal (slurmFolders root).Length 2 "nothing written when nothing is pending"
                match Slurm.submit { options root with Select = [ "no-such-cell" ] } request experiment with
                | Ok out -> failtestf "submitted an empty selection: %A" out
                | Error e -> Expect.stringContains (String.concat " " e) "--cells no-such-cell: no cell id of slurmunit contains it" "unknown ids named")
        }

        test "without sbatch on the PATH, submit says so and writes nothing" {
            inTempDir (fun root ->
                let path = Environment.GetEnvironmentVariable "PATH"
                Environment.SetEnvironmentVariable("PATH", root)
                let result = try Slurm.submit (options root) { request with DryRun = false } experiment finally Environment.SetEnvironmentVariable("PATH", path)
                match result with
                | Ok out -> failtestf "submitted without sbatch: %A" out
                | Error e -> Expect.stringContains (String.concat " " e) "sbatch not found on the PATH" "clear error"
                Expect.isEmpty (slurmFolders root) "no job folder")
        }

        test "a real one-node cluster: two submissions of one grid at once write one folder, each cell trained once, the table complete" {
            ensureCluster ()
            inTempDir (fun root ->
                let scriptFile = Path.Combine(root, "slurmtiny.fsx")
                File.WriteAllText(scriptFile, script)
                let results = Path.Combine(root, "slurm")
                let dir = Path.Combine(results, "slurmtiny")
                // Two arrays given to sbatch back to back: the first trains the first cell, the second every cell and the
                // figure; on two cores the two arrays' first tasks start together, on the same cell.
                let prepare extra =
                    let out = wgangp 120.0 ([ "submit"; scriptFile; "--slurm"; "--results"; results; "--threads"; "1"; "--dry-run" ] @ extra)
                    let folder = Regex.Match(out, @"dry run: \d+ tasks written to (.+), not submitted")
                    if not folder.Success then failtestf "no job folder in:\n%s" out
                    folder.Groups.[1].Value
                let logsA, logsB = prepare [ "--cells"; "-s0-"; "--no-figures" ], prepare []
                Expect.notEqual logsA logsB "two submissions within a second get folders of their own"
                let sbatch folder = (exec (TimeSpan.FromSeconds 15.0) "sbatch" [ "--parsable"; Path.Combine(folder, "job.sh") ]).Trim()
                let jobA, jobB = sbatch logsA, sbatch logsB
                let logs () = diagnosis logsA () + "\n" + diagnosis logsB ()
                waitForJob 300.0 jobA logsA
                waitForJob 300.0 jobB logsB
                let taskLogs = [ for folder in [ logsA; logsB ] do yield! Directory.GetFiles(folder, "*.out") ] |> List.map File.ReadAllText
                let all = String.concat "\n" taskLogs
                Expect.equal taskLogs.Length 5 $"five tasks ran\n{logs ()}"
                let ids = runDirectories dir |> Array.map (fun d -> nonNull (Path.GetFileName d)) |> Array.filter (fun d -> d.StartsWith "8gaussians")
                Expect.equal ids.Length 3 "three cells"
                for id in ids do
                    let trained = Regex.Matches(all, Regex.Escape id + ": 400 generator iterations").Count
                    Expect.equal trained 1 $"{id}: trained by one task only\n{logs ()}"
                    let rows = File.ReadAllLines(Path.Combine(dir, id, RunFiles.Log)) |> Array.skip 1 |> Array.map (fun l -> l.Split(',').[0])
                    Expect.equal rows [| for i in 0 .. 399 -> string i |] $"{id}: one log row per iteration"
                    Expect.equal (RunDirectory.status (Path.Combine(dir, id))) RunStatus.Finished $"{id} finished"
                Expect.equal (Regex.Matches(all, "figure 1a: ").Count) 1 $"the figure was made by one task only\n{logs ()}"
                Expect.stringContains (File.ReadAllText(Path.Combine(dir, "summary.csv"))) ",3,3,0,0," $"the last task's table has all three cells\n{logs ()}"
                Expect.isEmpty (Directory.GetFiles(dir, "*.tmp")) "no temporary files left")
        }

        test "a real one-node cluster: cancel one task mid-run, resubmit it alone, and the table equals a local run's" {
            ensureCluster ()
            inTempDir (fun root ->
                let scriptFile = Path.Combine(root, "slurmtiny.fsx")
                File.WriteAllText(scriptFile, script)
                let slurmResults, localResults = Path.Combine(root, "slurm"), Path.Combine(root, "local")
                let dir = Path.Combine(slurmResults, "slurmtiny")
                let job, logs = submit scriptFile slurmResults
                let tasks = File.ReadAllLines(Path.Combine(logs, "tasks.txt")) |> List.ofArray
                let ids = tasks |> List.truncate 3 |> List.map (fun t -> t.Substring "cell ".Length)
                Expect.equal tasks (List.map ((+) "cell ") ids @ [ "figure figure1a" ]) "one task per cell, then one for the figure"
                // Task 1, once it is RUNNING and its log shows training under way, is cancelled.
                let victim = ids.[1]
                let victimLog = Path.Combine(logs, $"{job}_1.out")
                waitUntil 120.0 $"task {job}_1 runs and trains" (diagnosis logs) (fun () ->
                    queued job |> List.contains $"{job}_1 RUNNING"
                    && File.Exists victimLog && File.ReadAllText(victimLog).Contains "] it ")
                exec (TimeSpan.FromSeconds 15.0) "scancel" [ $"{job}_1" ] |> ignore
                waitForJob 180.0 job logs
                Expect.stringContains (File.ReadAllText victimLog) "CANCELLED" $"task 1's log records the cancellation\n{diagnosis logs ()}"
                Expect.isFalse (RunDirectory.isDone (Path.Combine(dir, victim))) $"the cancelled cell is not done\n{diagnosis logs ()}"
                for other in [ ids.[0]; ids.[2] ] do
                    Expect.equal (RunDirectory.status (Path.Combine(dir, other))) RunStatus.Finished $"{other} finished\n{diagnosis logs ()}"
                // Tasks write the table in turn: the last to finish wrote it with the two finished cells.
                Expect.stringContains (File.ReadAllText(Path.Combine(dir, "summary.csv"))) ",3,2,0,0," $"the tasks' table: three runs, two finished\n{diagnosis logs ()}"
                Expect.isTrue (File.Exists(Path.Combine(dir, "figure1a.png")) && File.Exists(Path.Combine(dir, "figure1a.json"))) $"the figure's task made it\n{diagnosis logs ()}"
                // Resubmitting sends only the cancelled cell.
                let job2, logs2 = submit scriptFile slurmResults
                Expect.equal (File.ReadAllLines(Path.Combine(logs2, "tasks.txt")) |> List.ofArray) [ "cell " + victim ] "only the unfinished cell; the figure is made"
                waitForJob 180.0 job2 logs2
                Expect.equal (RunDirectory.status (Path.Combine(dir, victim))) RunStatus.Finished $"the resubmitted cell finished\n{diagnosis logs2 ()}"
                Expect.stringContains (wgangp 60.0 [ "submit"; scriptFile; "--slurm"; "--results"; slurmResults ]) "nothing to submit" "a third submit has nothing to do"
                // The same grid trained locally, one process, one thread.
                wgangp 300.0 [ "run"; scriptFile; "--results"; localResults; "--threads"; "1"; "--no-figures" ] |> ignore
                let local = Path.Combine(localResults, "slurmtiny")
                let summary d = File.ReadAllText(Path.Combine(d, "summary.csv"))
                Expect.equal (summary dir) (summary local) "summary.csv, as the last task wrote it: the same rows, counts and scores"
                Expect.stringContains (summary dir) ",3,3,0,0," "three runs, all finished"
                for id in ids do
                    let scores d = File.ReadAllText(Path.Combine(d, id, RunFiles.Scores))
                    Expect.equal (scores dir) (scores local) $"{id}: the same scores"
                Expect.isEmpty (Directory.GetFiles(dir, "*.tmp")) "the table's temporary files are gone")
        }
    ]
