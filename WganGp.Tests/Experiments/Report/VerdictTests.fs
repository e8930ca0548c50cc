/// Pre-registered verdicts: a cell's progress between its two fixed points, the verdict thresholds, and the claims.
module WganGp.Tests.VerdictTests

open System
open System.IO
open System.Text.Json
open Expecto
open WganGp.Core.Training
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Tables
open WganGp.Tests.Support

let private criteria claims = { Score = "fid"; Trains = 0.5; Fails = 0.25; Claims = claims }

/// A run directory with settings.json, status.json and an evaluations.csv of (iteration, seconds, fid) with the ceiling
/// `fid_real` = 1 at every evaluation, and the RunRow the tables read from it.
let private run (root: string) (architecture: string) (method: string) (status: string) (fids: (int * float * float) list) =
    let id = $"d-{architecture}-{method}-s0"
    let dir = Path.Combine(root, id)
    Directory.CreateDirectory dir |> ignore
    let cell = dict [ "dataset", box "d"; "architecture", box architecture; "method", box method; "seed", box 0 ]
    File.WriteAllText(Path.Combine(dir, RunFiles.Settings), JsonSerializer.Serialize(dict [ "cell", cell ]))
    File.WriteAllText(Path.Combine(dir, RunFiles.Status), JsonSerializer.Serialize(dict [ "status", status ]))
    File.WriteAllText(Path.Combine(dir, RunFiles.Scores), JsonSerializer.Serialize(dict [ "fid", (match List.tryLast fids with Some (_, _, f) -> f | None -> nan) ]))
    let lines =
        [ RunFiles.EvaluationsHeader
          for it, seconds, fid in fids do
              FormattableString.Invariant $"{it},{seconds},fid,{fid}"
              FormattableString.Invariant $"{it},{seconds},fid_real,1" ]
    File.WriteAllText(Path.Combine(dir, RunFiles.Evaluations), String.Join("\n", lines) + "\n")
    { Id = id; Keys = Map.ofList [ "dataset", "d"; "architecture", architecture; "method", method ]; Seed = 0; Status = RunStatusText.TryParse(status).Value
      Scores = Map.empty; Protocols = Map.empty }

let tests =
    testList "verdicts" [
        test "progress is the share of the log gap closed between the untrained score and the ceiling; the thresholds split it" {
            Expect.floatClose Accuracy.veryHigh (Verdicts.progress 100.0 1.0 10.0) 0.5 "F0 100, R 1, F 10: halfway on a log scale"
            Expect.floatClose Accuracy.veryHigh (Verdicts.progress 100.0 1.0 100.0) 0.0 "no change"
            Expect.floatClose Accuracy.veryHigh (Verdicts.progress 100.0 1.0 1.0) 1.0 "at the ceiling"
            Expect.isTrue (Double.IsNaN(Verdicts.progress 1.0 1.0 0.5)) "no gap between the fixed points: undefined"
            let c = criteria []
            Expect.equal (Verdicts.verdictOf c RunStatus.Finished 0.5) Verdicts.Trains "at the threshold: trains"
            Expect.equal (Verdicts.verdictOf c RunStatus.Finished 0.49) Verdicts.Partial "just below: partial"
            Expect.equal (Verdicts.verdictOf c RunStatus.Finished 0.24) Verdicts.Fails "below the lower threshold: fails"
            Expect.equal (Verdicts.verdictOf c RunStatus.Diverged 0.9) Verdicts.Fails "a diverged run fails whatever its last score"
        }

        test "cells are read from their evaluations.csv; claims hold or fail as written (a tie is not sooner, never reaching is later)" {
            inTempDir (fun dir ->
                // F0 = 100 and R = 1 everywhere: "trains" is F ≤ 10.
                let rows =
                    [ run dir "a1" "gp" "finished" [ 0, 0.0, 100.0; 100, 10.0, 20.0; 200, 20.0, 8.0 ]
                      run dir "a2" "gp" "finished" [ 0, 0.0, 100.0; 100, 10.0, 9.0; 200, 20.0, 5.0 ]
                      run dir "a1" "clip" "finished" [ 0, 0.0, 100.0; 100, 5.0, 50.0; 200, 10.0, 30.0 ]
                      run dir "a2" "clip" "finished" [ 0, 0.0, 100.0; 100, 5.0, 9.0; 200, 10.0, 9.0 ]
                      run dir "a1" "gan" "finished" [ 0, 0.0, 100.0; 100, 4.0, 9.0; 200, 8.0, 9.0 ]
                      run dir "a2" "gan" "diverged" [ 0, 0.0, 100.0; 100, 4.0, 3.0 ] ]
                let c = criteria []
                let readings = rows |> List.map (Verdicts.read c dir)
                let verdict a m = (readings |> List.find (fun r -> r.Architecture = a && r.Method = m)).Verdict
                Expect.equal (verdict "a1" "gp") Verdicts.Trains "8 ≤ 10"
                Expect.equal (verdict "a1" "clip") Verdicts.Partial "30: progress 0.26, between 0.25 and 0.5"
                Expect.equal (verdict "a2" "gan") Verdicts.Fails "diverged"
                let holds claim = let _, h, _ = Verdicts.claim readings claim in h
                Expect.isTrue (holds (TrainsEvery "gp")) "gp trains a1 and a2"
                Expect.isFalse (holds (TrainsEvery "clip")) "clip does not train a1"
                Expect.isTrue (holds (OnlyTrainsEvery "gp")) "clip and gan each miss one"
                Expect.isTrue (holds (ReachesSooner("gp", "clip", "a1", GeneratorIterations))) "clip never reaches it on a1"
                Expect.isFalse (holds (ReachesSooner("gp", "clip", "a2", GeneratorIterations))) "both at iteration 100: a tie"
                Expect.isFalse (holds (ReachesSooner("gp", "gan", "a1", GeneratorIterations))) "gan reached it at 100, gp at 200"
                Expect.isTrue (holds (ReachesWithin("gp", "gan", "a1", TrainingSeconds, 5.0))) "20 s ≤ 5 × 4 s"
                Expect.isFalse (holds (ReachesWithin("gp", "gan", "a1", TrainingSeconds, 4.9))) "20 s > 4.9 × 4 s")
        }

        test "a grid's criteria put progress and verdict columns in summary.csv, and the verdicts and claims in summary.md" {
            inTempDir (fun dir ->
                run dir "a1" "gp" "finished" [ 0, 0.0, 100.0; 100, 10.0, 5.0 ] |> ignore
                run dir "a1" "clip" "finished" [ 0, 0.0, 100.0; 100, 10.0, 50.0 ] |> ignore
                let ids = [ "d-a1-gp-s0"; "d-a1-clip-s0" ]
                match Report.tableWith [ criteria [ TrainsEvery "gp"; TrainsEvery "clip" ], ids ] dir "wgangp test" ids with
                | Error e -> failtest e
                | Ok _ -> ()
                let csv = File.ReadAllLines(Path.Combine(dir, "summary.csv"))
                Expect.stringContains csv.[0] "progress,verdict" "columns"
                Expect.stringEnds csv.[1] ",trains" "gp's row"
                Expect.stringEnds csv.[2] ",fails" "clip's row"
                let md = File.ReadAllText(Path.Combine(dir, "summary.md"))
                Expect.stringContains md "## Verdicts" "the section"
                Expect.stringContains md "| gp trains every architecture | holds | gp trains 1 of 1 |" "a claim that holds"
                Expect.stringContains md "| clip trains every architecture | fails | clip trains 0 of 1 |" "a claim that fails"
                Expect.stringContains md "| 50 | 1 | 0.151 | fails | 10 |" "clip's training seconds at its last evaluation"
                Expect.stringContains md ": 20 s in all over 2 cells." "the cells' total training seconds")
        }
    
        test "claims stay undecided while some of the grid's cells are not done, instead of being judged on those that are" {
            inTempDir (fun dir ->
                run dir "a1" "gp" "finished" [ 0, 0.0, 100.0; 100, 10.0, 5.0 ] |> ignore
                run dir "a1" "clip" "running" [ 0, 0.0, 100.0 ] |> ignore
                // The grid has a third cell with no run directory yet.
                let ids = [ "d-a1-gp-s0"; "d-a1-clip-s0"; "d-a2-gp-s0" ]
                match Report.tableWith [ criteria [ TrainsEvery "gp" ], ids ] dir "wgangp test" ids with
                | Error e -> failtest e
                | Ok _ -> ()
                let md = File.ReadAllText(Path.Combine(dir, "summary.md"))
                Expect.stringContains md "| gp trains every architecture | undecided | 1 of the grid's 3 cells are done; so far: gp trains 1 of 1 |"
                    "not 'holds' on the one cell there is")
        }
    ]
