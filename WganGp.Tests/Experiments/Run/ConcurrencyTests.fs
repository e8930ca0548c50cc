/// Several `wgangp run` processes on one results folder, through the real processes: one trainer per cell, a killed
/// holder taken over, and a table that ends complete whoever finishes last.
module WganGp.Tests.ConcurrencyTests

open System
open System.Diagnostics
open System.IO
open System.Runtime.InteropServices
open System.Text.RegularExpressions
open System.Threading
open Expecto
open WganGp.Core.Training
open WganGp.Experiments
open WganGp.Tests.Support

/// A toy grid of `seeds` cells of `iterations` generator iterations each (a 64-wide MLP: ~50 iterations/s on a thread).
let private script (name: string) (seeds: int) (iterations: int) =
    $"""open WganGp.Core.Data
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let tiny =
    {{ Grid.named "tiny" with
        Datasets = [ Toy ToyKind.EightGaussians ]
        Architectures = [ ToyMlp(64, 3) ]
        Methods = [ Toy.wganGp ]
        Seeds = [ 0 .. {seeds - 1} ]
        Iterations = {iterations}
        BatchSize = 128
        SampleCount = 500 }}

let experiment = {{ Experiment.named "{name}" with Grids = [ tiny ] }}
"""

type private Signal =
    | Stop = 19
    | Kill = 9

[<DllImport("libc", SetLastError = true)>]
extern int private kill(int pid, int signal)

/// Sends a signal to a process (Linux numbers), failing the test when it cannot be sent.
let private signal (pid: int) (s: Signal) =
    if kill (pid, int s) <> 0 then failtestf "kill(%d, %A) failed: errno %d" pid s (Marshal.GetLastPInvokeError())

/// `dotnet wgangp.dll args` started in `dir`, its output collected as it comes.
let private start (dir: string) (args: string list) =
    let host = Environment.GetEnvironmentVariable "DOTNET_HOST_PATH" |> Option.ofObj |> Option.defaultValue "dotnet"
    let info = ProcessStartInfo(host, wgangpDll :: args, UseShellExecute = false, WorkingDirectory = dir,
                                RedirectStandardOutput = true, RedirectStandardError = true)
    let p = Process.Start info |> nonNull
    // Read as it comes; `output ()` waits for the process to end.
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    p, (fun () -> out.Result + err.Result)

/// Waits for a started process; its exit code and output.
let private finish (p: Process, output: unit -> string) =
    use p = p
    if not (p.WaitForExit(TimeSpan.FromMinutes 3.0)) then
        p.Kill true
        failtestf "wgangp did not end within 3 minutes:\n%s" (output ())
    p.WaitForExit()
    p.ExitCode, output ()

let private run dir args = finish (start dir args)

/// The iterations log.csv records, in order.
let private loggedIterations (runDir: string) =
    File.ReadAllLines(Path.Combine(runDir, RunFiles.Log)) |> Array.skip 1 |> Array.map (fun l -> int (l.Split(',').[0])) |> List.ofArray

let private cellDirs (results: string) (experiment: string) =
    runDirectories (Path.Combine(results, experiment))

let tests =
    testList "Concurrency" [
        test "two runs at once on one folder: every cell trained by one of them, each log whole, the table complete" {
            inTempDir (fun dir ->
                File.WriteAllText(Path.Combine(dir, "two.fsx"), script "two" 4 300)
                let args = [ "run"; "two.fsx"; "--results"; "res"; "--threads"; "1" ]
                let first = start dir args
                Thread.Sleep 300
                let second = start dir args
                let (codeA, outA), (codeB, outB) = finish first, finish second
                let both = outA + "\n" + outB
                Expect.equal (codeA, codeB) (0, 0) $"both runs succeed\n{both}"
                let dirs = cellDirs (Path.Combine(dir, "res")) "two"
                Expect.equal dirs.Length 4 "four cells"
                for runDir in dirs do
                    let id = nonNull (Path.GetFileName runDir)
                    let trained = Regex.Matches(both, Regex.Escape id + ": 300 generator iterations").Count
                    Expect.equal trained 1 $"{id} is trained by exactly one process\n{both}"
                    Expect.equal (loggedIterations runDir) [ 0 .. 299 ] $"{id}: one log row per iteration, none twice"
                    Expect.equal (RunDirectory.status runDir) RunStatus.Finished $"{id} finished"
                Expect.stringContains both ", left to it" "a run leaves a cell another holds to it, saying whose"
                Expect.stringContains both "left to other processes that hold them" "and ends by listing what it left"
                let summary = File.ReadAllText(Path.Combine(dir, "res", "two", "summary.csv"))
                Expect.stringContains summary ",4,4,0,0," "whoever wrote the table last wrote it with all four cells finished"
                Expect.isEmpty (Directory.GetFiles(Path.Combine(dir, "res"), "*.tmp", SearchOption.AllDirectories)) "no temporary files left")
        }

        test "a holder killed with SIGKILL: plan shows the cell stopped, and a new run takes it over and resumes it" {
            inTempDir (fun dir ->
                File.WriteAllText(Path.Combine(dir, "killed.fsx"), script "killed" 1 600)
                let args = [ "run"; "killed.fsx"; "--results"; "res"; "--threads"; "1"; "--checkpoint-every"; "50" ]
                let p, output = start dir args
                let experimentDir = Path.Combine(dir, "res", "killed")
                let checkpointed () =
                    Directory.Exists experimentDir
                    && cellDirs (Path.Combine(dir, "res")) "killed"
                       |> Array.exists (fun d -> Directory.Exists(Path.Combine(d, "checkpoints"))
                                                 && Directory.GetFiles(Path.Combine(d, "checkpoints"), "it-*.ckpt").Length >= 2)
                let clock = Stopwatch.StartNew()
                while not (checkpointed ()) && not p.HasExited && clock.Elapsed.TotalSeconds < 120.0 do Thread.Sleep 100
                // (Its output is read only once it has ended: reading it here would wait for the end.)
                if p.HasExited then failtestf "the first run ended before it could be killed:\n%s" (output ())
                // Frozen (SIGSTOP) while plan looks: still alive and holding the cell, however fast it would train on.
                signal p.Id Signal.Stop
                let code, planned = run dir [ "plan"; "killed.fsx"; "--results"; "res" ]
                Expect.equal code 0 planned
                Expect.stringContains planned $"running" "plan: the cell is running"
                Expect.stringContains planned $"(held by pid {p.Id} on {Environment.MachineName}" "with its holder"
                signal p.Id Signal.Kill   // no checkpoint, no status, the lock's record left behind
                p.WaitForExit()
                p.Dispose()
                let runDir = cellDirs (Path.Combine(dir, "res")) "killed" |> Array.exactlyOne
                Expect.isTrue (File.Exists(Path.Combine(experimentDir, ".locks", nonNull (Path.GetFileName runDir) + ".json"))) "the killed holder's record is still there"
                let code, planned = run dir [ "plan"; "killed.fsx"; "--results"; "res" ]
                Expect.equal code 0 planned
                Expect.stringContains planned "stopped" "plan: nobody holds it any more"
                Expect.isFalse (planned.Contains "held by") "and names no holder"
                let code, resumed = run dir args
                Expect.equal code 0 resumed
                Expect.stringContains resumed "resumed from it-" "the new run resumes from the killed one's checkpoint"
                Expect.isFalse (resumed.Contains "left to it") "it takes the cell over"
                Expect.equal (loggedIterations runDir) [ 0 .. 599 ] "one log row per iteration, none twice"
                Expect.equal (RunDirectory.status runDir) RunStatus.Finished "finished")
        }
    ]
