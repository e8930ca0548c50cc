/// The main command reproduces, and says so: `wgangp run` writes to runs/<experiment>/ by default and ends by comparing
/// what it made with the published results/<experiment>/, bit for bit (Compare); `wgangp compare` does the same for
/// any two folders. Through the real process where the user sees it; the file rules in-process.
module WganGp.Tests.ReproductionTests

open System
open System.IO
open System.Security.Cryptography
open Expecto
open WganGp.Experiments
open WganGp.Tests.Support

/// Two tiny cells and a tiny Figure 1b/1c: a few seconds per run.
let private script =
    """
open WganGp.Core.Data
open WganGp.Experiments
open WganGp.Experiments.Dsl
let deep =
    Figure1bc
        { Dataset = ToyKind.SwissRoll; Architecture = ToyMlp(16, 12); Clipping = Paper.Toy.wganClipping
          ClipValues = [ 0.1 ]; Penalty = Paper.Toy.wganGp; Iterations = 3; PaperIterations = 3; BatchSize = 32; Seed = 0 }
let experiment =
    { Experiment.named "tiny" with
        Grids = [ { Grid.named "g" with
                      Datasets = [ Toy ToyKind.EightGaussians ]; Architectures = [ ToyMlp(16, 3) ]
                      Methods = [ Paper.Toy.wganGp; Paper.Toy.wganClipping ]
                      Seeds = [ 0 ]; Iterations = 4; BatchSize = 16; SampleCount = 40 } ]
        Figures = [ deep ] }
"""

let private snapshot (dir: string) =
    Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
    |> Array.map (fun f -> Path.GetRelativePath(dir, f), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes f)))
    |> Map.ofArray

/// Replaces the first occurrence of `from` in a file, failing when it is not there.
let private tamper (path: string) (from: string) (into: string) =
    let text = File.ReadAllText path
    let at = text.IndexOf(from, StringComparison.Ordinal)
    if at < 0 then failwith $"{path} does not contain '{from}'"
    File.WriteAllText(path, text.Substring(0, at) + into + text.Substring(at + from.Length))

/// A run directory written by hand: the files Compare reads.
let private runDir (root: string) (id: string) (files: (string * string) list) =
    let dir = Directory.CreateDirectory(Path.Combine(root, id)).FullName
    for name, text in files do File.WriteAllText(Path.Combine(dir, name), text)
    dir

let private log = "iteration,critic_loss,critic_gap,penalty,generator_loss,grad_norm,seconds\n0,-2.5,2.5,0.3,,2.5,0.292\n1,-1.302698,2.06,0.76,1.04,3.36,0.771\n"

let private cellFiles threads =
    [ "cell.json", "{ \"id\": \"c-1\" }"
      "settings.json", $"{{ \"threads\": {threads}, \"device\": \"cpu\" }}"
      "scores.json", "{ \"energy\": 0.0942, \"modes\": 1 }"
      "status.json", "{ \"status\": \"finished\", \"iteration\": 300, \"seconds\": 57.224, \"message\": null }"
      "log.csv", log
      "samples.csv", "v0,v1\n0.25,0.5\n-0.125,1\n" ]

let tests =
    testList "reproduction" [
        test "run writes to runs/<experiment> by default and ends with 'N of N cells identical to results/<experiment>'; a tampered published value is named with both values" {
            inTempDir (fun dir ->
                File.WriteAllText(Path.Combine(dir, "tiny.fsx"), script)
                let flags = [ "--threads"; "1"; "--no-tensorboard" ]
                // Published as the README says: one explicit step.
                let publish = wgangpProcess 3.0 dir ([ "run"; "tiny.fsx"; "--results"; "results" ] @ flags)
                ok publish
                Expect.stringContains publish.Stdout "wrote into the published results/tiny itself" "no comparison with itself"
                let published = Path.Combine(dir, "results", "tiny")
                let before = snapshot published
                let ids = Compare.runDirectories published
                Expect.equal ids.Length 2 "two cells published"
                // The README's command: no --results.
                let again = wgangpProcess 3.0 dir ([ "run"; "tiny.fsx" ] @ flags)
                ok again
                Expect.stringContains again.Stdout "2 of 2 cells identical to results/tiny" (shown again)
                Expect.stringContains again.Stdout "figure1bc: figure1b.csv identical to results/tiny" (shown again)
                Expect.equal (Compare.runDirectories (Path.Combine(dir, "runs", "tiny"))) ids "trained again, into runs/tiny"
                Expect.isTrue (File.Exists(Path.Combine(dir, "runs", "tiny", "figure1b.csv"))) "the figure made again in runs/tiny"
                Expect.equal (snapshot published) before "the published folder untouched"
                // A published number changed: the cell, the file, the value's place and both values are named.
                let cell = ids |> List.find (fun id -> id.Contains "wgan-gp")
                let scores = Path.Combine(published, cell, "scores.json")
                let energy = Text.Json.JsonDocument.Parse(File.ReadAllText scores).RootElement.GetProperty("energy").GetRawText()
                tamper scores energy "12.5"
                let figureLine = File.ReadAllLines(Path.Combine(published, "figure1b.csv")).[1]
                let layer1 = figureLine.Split(',').[1]
                tamper (Path.Combine(published, "figure1b.csv")) ("," + layer1 + ",") ",7,"
                let checkedAgain = wgangpProcess 3.0 dir ([ "run"; "tiny.fsx" ] @ flags)
                ok checkedAgain
                for part in [ "1 of 2 cells identical to results/tiny; 1 differs:"; cell
                              $"scores.json, energy: {energy} here, 12.5 in results/tiny"
                              $"figure1bc: figure1b.csv differs from results/tiny (1 difference; largest relative difference"
                              $"line 2, layer1: {layer1} here, 7 in results/tiny" ] do
                    Expect.stringContains checkedAgain.Stdout part (shown checkedAgain)
                // The same through `wgangp compare`, which fails on a difference.
                let compared = wgangpProcess 3.0 dir [ "compare"; "runs/tiny" ]
                Expect.equal compared.Code 1 (shown compared)
                Expect.stringContains compared.Stdout $"scores.json, energy: {energy} here, 12.5 in results/tiny" (shown compared)
                Expect.stringContains compared.Stderr "error: runs/tiny differs from results/tiny" (shown compared))
        }

        test "compare: log.csv and evaluations.csv without seconds, status without seconds; a file only here is not compared, one only published differs; the machine is named" {
            inTempDir (fun dir ->
                let here = runDir (Path.Combine(dir, "here")) "c-1" (cellFiles 2)
                let published = runDir (Path.Combine(dir, "published")) "c-1" (cellFiles 2)
                File.WriteAllText(Path.Combine(here, "evaluations.csv"), "iteration,seconds,score,value\n0,0.000,energy,0.5\n")
                // Wall-clock seconds differ everywhere they are recorded: still identical.
                tamper (Path.Combine(here, "log.csv")) "0.771" "9.125"
                tamper (Path.Combine(here, "status.json")) "57.224" "99.5"
                let same = Compare.cell here published
                Expect.isEmpty same.Differences "seconds are not compared"
                Expect.equal same.OnlyHere [ "evaluations.csv" ] "written here only: noted, not compared"
                // One value of the log, a row more, a published file missing here, another thread count.
                tamper (Path.Combine(here, "log.csv")) "-1.302698" "-1.302699"
                File.AppendAllText(Path.Combine(here, "log.csv"), "2,-1,2,0.7,1,3,1.5\n")
                File.WriteAllText(Path.Combine(published, "protocol.json"), "{ \"energy\": { \"n\": \"2000\" } }")
                tamper (Path.Combine(here, "settings.json")) "2" "4"
                let differs = Compare.cell here published
                let line (d: Compare.Difference) = $"{d.File} | {d.Where} | {d.Here} | {d.Published}"
                Expect.equal (differs.Differences |> List.map line)
                    [ "protocol.json | the file | absent | present"
                      "log.csv | length | 3 rows | 2 rows"
                      "log.csv | iteration 1, critic_loss | -1.302699 | -1.302698" ] "each difference with both values"
                Expect.equal differs.Machine [ "threads 4 here, 2 there" ] "the thread count, which changes float sums"
                let report =
                    Compare.experiment (Path.Combine(dir, "here")) (Path.Combine(dir, "published")) [ "c-1"; "c-2" ] []
                    |> Compare.lines
                let text = String.Join("\n", report)
                Expect.stringContains text "0 of 1 cell identical to" text
                Expect.stringContains text "1 cell of this run not in" "c-2 has no published counterpart"
                Expect.stringContains text "c-1 (largest relative difference 7.7E-07; machine: threads 4 here, 2 there):" text
                Expect.equal (Compare.largestRelative [ { File = "f"; Where = "w"; Here = "1.5"; Published = "1" }; { File = "f"; Where = "w"; Here = "x"; Published = "1" } ])
                    (Some 0.5) "numbers only")
        }
    ]
