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

/// A run directory with cell.json, status.json and an evaluations.csv of (iteration, seconds, fid) with the ceiling
/// `fid_real` = 1 at every evaluation, and the RunRow the tables read from it.
let private run (root: string) (architecture: string) (method: string) (status: string) (fids: (int * float * float) list) =
    let id = $"d-{architecture}-{method}-s0"
    let dir = Path.Combine(root, id)
    Directory.CreateDirectory dir |> ignore
    writeCellNames dir [ "dataset", "d"; "architecture", architecture; "method", method ] 0 |> ignore
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

/// A run directory of one seed: `evaluations` are (iteration, seconds, fid) rows with fid_real = 1 beside each.
let private seeded (root: string) (architecture: string) (method: string) (seed: int) (status: string) (evaluations: (int * float * float) list) =
    let id = $"d-{architecture}-{method}-s{seed}"
    let dir = Path.Combine(root, id)
    Directory.CreateDirectory dir |> ignore
    writeCellNames dir [ "dataset", "d"; "architecture", architecture; "method", method ] seed |> ignore
    File.WriteAllText(Path.Combine(dir, RunFiles.Status), JsonSerializer.Serialize(dict [ "status", status ]))
    let lines =
        [ RunFiles.EvaluationsHeader
          for it, seconds, fid in evaluations do
              FormattableString.Invariant $"{it},{seconds},fid,{fid}"
              FormattableString.Invariant $"{it},{seconds},fid_real,1" ]
    File.WriteAllText(Path.Combine(dir, RunFiles.Evaluations), String.Join("\n", lines) + "\n")
    { Id = id; Keys = Map.ofList [ "dataset", "d"; "architecture", architecture; "method", method ]; Seed = seed
      Status = RunStatusText.TryParse(status).Value; Scores = Map.empty; Protocols = Map.empty }

/// Evaluations at iterations 0, 100, 200, ... with the given fids and 1 s per 10 iterations.
let private every100 (fids: float list) = fids |> List.mapi (fun i f -> 100 * i, float (10 * i), f)

/// The readings of the run directories made by `make dir`, and whether each claim holds over them.
let private judge (make: string -> RunRow list) (claims: Claim list) =
    let mutable result = []
    inTempDir (fun dir ->
        let readings = make dir |> List.map (Verdicts.read (criteria []) dir)
        result <- [ for c in claims -> Verdicts.claim readings c ])
    result

let private holds make claim = let _, h, _ = List.exactlyOne (judge make [ claim ]) in h
let private evidence make claim = let _, _, e = List.exactlyOne (judge make [ claim ]) in e

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
    
        test "ends better over seeds: every seed of the method ends below every seed of the other; a diverged seed is the worst" {
            // Last evaluations: gp 10, 12, 14; clip 15, 20, 30.
            let runs (gpEnds: float list) (gpStatus: string list) (clipEnds: float list) (dir: string) =
                [ for seed, (e, st) in List.indexed (List.zip gpEnds gpStatus) -> seeded dir "a" "gp" seed st (every100 [ 100.0; 50.0; e ])
                  for seed, e in List.indexed clipEnds -> seeded dir "a" "clip" seed "finished" (every100 [ 100.0; 60.0; e ]) ]
            let claim = EndsBetter("gp", "clip", "a")
            let finished = [ "finished"; "finished"; "finished" ]
            Expect.isTrue (holds (runs [ 10.0; 12.0; 14.0 ] finished [ 15.0; 20.0; 30.0 ]) claim) "worst gp 14 < best clip 15"
            Expect.isFalse (holds (runs [ 10.0; 12.0; 14.0 ] finished [ 13.0; 20.0; 30.0 ]) claim) "clip's best 13 beats gp's worst 14: not every pairing"
            Expect.isFalse (holds (runs [ 10.0; 12.0; 1.0 ] [ "finished"; "finished"; "diverged" ] [ 15.0; 20.0; 30.0 ]) claim)
                "a diverged gp seed counts as the worst, whatever its last evaluation"
            Expect.isFalse (holds (runs [ 10.0; 12.0; 14.0 ] finished [ 15.0; 20.0; 30.0 ]) (EndsBetter("clip", "gp", "a"))) "the other way round"
            let e = evidence (runs [ 10.0; 12.0; 14.0 ] finished [ 15.0; 20.0; 30.0 ]) claim
            Expect.equal e "fid at the last evaluation: gp: s0 10, s1 12, s2 14 (mean 12); clip: s0 15, s1 20, s2 30 (mean 21.7); worst of gp 14 < best of clip 15" "the numbers"
        }

        test "reaches the level sooner: the level is halfway on a log scale from the method's untrained score to its seeds' worst best; a tie is not sooner" {
            // gp's bests 8, 9, 10 from 100: the level is √(100 · 10) = 31.6; gp reaches it at 100, 200, 200.
            let gp dir =
                [ seeded dir "a" "gp" 0 "finished" (every100 [ 100.0; 30.0; 10.0; 8.0 ])
                  seeded dir "a" "gp" 1 "finished" (every100 [ 100.0; 40.0; 12.0; 9.0 ])
                  seeded dir "a" "gp" 2 "finished" (every100 [ 100.0; 50.0; 20.0; 10.0 ]) ]
            // clip reaches it at 300, never, and at `third` (100 per step).
            let withClip (third: float list) dir =
                gp dir
                @ [ seeded dir "a" "clip" 0 "finished" (every100 [ 100.0; 80.0; 40.0; 30.0 ])
                    seeded dir "a" "clip" 1 "finished" (every100 [ 100.0; 90.0; 60.0; 50.0 ])
                    seeded dir "a" "clip" 2 "finished" (every100 third) ]
            inTempDir (fun dir ->
                let readings = gp dir |> List.map (Verdicts.read (criteria []) dir)
                let level = (Verdicts.level readings "gp" "a").Value
                close 1e-12 (sqrt 1000.0) level.Value "√(U·B)"
                close 1e-12 100.0 level.Untrained "U: the seeds' untrained score"
                Expect.equal level.WorstBest 10.0 "B: the worst of the seeds' best"
                Expect.equal (readings |> List.map (Verdicts.timeToLevel GeneratorIterations level.Value)) [ 100.0; 200.0; 200.0 ] "gp's times")
            let claim = ReachesLevelSooner("gp", "clip", "a", GeneratorIterations)
            Expect.isTrue (holds (withClip [ 100.0; 70.0; 50.0; 31.0 ]) claim) "gp's latest 200 < clip's earliest 300 (one clip seed never)"
            Expect.isFalse (holds (withClip [ 100.0; 70.0; 31.0; 20.0 ]) claim) "a clip seed at 200 ties gp's latest: not sooner"
            Expect.isTrue (holds (withClip [ 100.0; 70.0; 31.7; 20.0 ]) claim) "31.7 is above the level 31.62: reached only at 300"
            Expect.equal (evidence (withClip [ 100.0; 70.0; 50.0; 31.0 ]) claim)
                "level fid ≤ 31.6 (√(U·B): U = 100 untrained, B = 10 the worst of gp's seeds' best); generator iterations to it: gp: s0 100, s1 200, s2 200 (mean 167); clip: s0 300, s1 never, s2 300; worst of gp 200 < best of clip 300"
                "the numbers"
        }

        test "reaches the level sooner in training seconds reads evaluations.csv's seconds, not the iterations" {
            // gan gets there at iteration 300 but after 30 s; gp at iteration 100 but after 100 s.
            let runs dir =
                [ for seed in 0..1 do
                      seeded dir "a" "gan" seed "finished" [ 0, 0.0, 100.0; 100, 10.0, 80.0; 200, 20.0, 50.0; 300, 30.0, 10.0 ]
                      seeded dir "a" "gp" seed "finished" [ 0, 0.0, 100.0; 100, 100.0, 10.0; 200, 200.0, 9.0 ] ]
            Expect.isTrue (holds runs (ReachesLevelSooner("gan", "gp", "a", TrainingSeconds))) "30 s < 100 s"
            Expect.isFalse (holds runs (ReachesLevelSooner("gan", "gp", "a", GeneratorIterations))) "300 iterations > 100"
        }

        test "seconds at rates measured alone are the iterations times each run's own rate, not the cells' clocks" {
            // The clocks say gan took 300 s to its level and gp 100 s (the machine was shared); at the rates measured
            // alone gan's 300 iterations are 30 s and gp's 100 iterations 50 s.
            let runs dir =
                [ for seed in 0..1 do
                      seeded dir "a" "gan" seed "finished" [ 0, 0.0, 100.0; 100, 100.0, 80.0; 200, 200.0, 50.0; 300, 300.0, 10.0 ]
                      seeded dir "a" "gp" seed "finished" [ 0, 0.0, 100.0; 100, 100.0, 10.0; 200, 200.0, 9.0 ] ]
            let alone = SecondsAlone [ "gan", 0.1; "gp", 0.5 ]
            Expect.isTrue (holds runs (ReachesLevelSooner("gan", "gp", "a", alone))) "30 s < 50 s"
            Expect.isFalse (holds runs (ReachesLevelSooner("gan", "gp", "a", TrainingSeconds))) "the clocks: 300 s > 100 s"
            Expect.isFalse (holds runs (ReachesLevelSooner("gan", "gp", "a", SecondsAlone [ "gan", 0.1; "gp", 0.2 ]))) "30 s > 20 s"
            Expect.isFalse (holds runs (ReachesLevelSooner("gan", "gp", "a", SecondsAlone [ "gan", 0.1 ]))) "gp has no rate: undefined"
            Expect.stringContains (evidence runs (ReachesLevelSooner("gan", "gp", "a", alone)))
                "seconds at the rates measured alone to it: gan: s0 30, s1 30 (mean 30); gp: s0 50, s1 50 (mean 50)" "the numbers"
            inTempDir (fun dir ->
                let rows = runs dir
                let ids = rows |> List.map _.Id
                match Report.tableWith [ criteria [ ReachesLevelSooner("gan", "gp", "a", alone) ], ids ] dir "wgangp test" ids with
                | Error e -> failtest e
                | Ok _ -> ()
                let md = File.ReadAllText(Path.Combine(dir, "summary.md"))
                Expect.stringContains md (Curves.ratesNote [ "gan", 0.1; "gp", 0.5 ]) "the rates under the claims"
                Expect.stringContains md "gan 0.1 s, gp 0.5 s" "each rate named"
                Expect.isFalse (md.Contains Verdicts.secondsNote) "the cells' clocks are not the claim's seconds")
        }

        test "steadier at the end: residual spread of ln score about a line over the last fifth; a smoothly falling curve is steady" {
            // Evaluations every 50 iterations to 1,000: the last fifth is 800 to 1,000 (five evaluations).
            let at (f: int -> float) = [ for i in 0..20 -> 50 * i, float i, (if i = 0 then 1000.0 else f (50 * i)) ]
            // Still falling fast, but exponentially: ln score is a line, no residual.
            let falling = at (fun it -> 500.0 * exp (-float it / 200.0))
            // Flat with a ±10 % zigzag, and a wilder ±30 % one.
            let zigzag (amplitude: float) = at (fun it -> 20.0 * (if it % 100 = 0 then 1.0 + amplitude else 1.0 - amplitude))
            let runs (gpThird: (int * float * float) list) dir =
                [ yield seeded dir "a" "gp" 0 "finished" falling
                  yield seeded dir "a" "gp" 1 "finished" falling
                  yield seeded dir "a" "gp" 2 "finished" gpThird
                  for seed in 0..2 -> seeded dir "a" "gan" seed "finished" (zigzag 0.1) ]
            let claim = SteadierAtEnd("gp", "gan", "a")
            Expect.isTrue (holds (runs falling) claim) "a trend is not instability"
            Expect.isFalse (holds (runs (zigzag 0.3)) claim) "one gp seed wilder than every gan seed"
            inTempDir (fun dir ->
                // ln score alternating a, b, a, b, a about a flat line: residuals (b − a)·(−0.4, 0.6, −0.4, 0.6, −0.4),
                // sum of squares 1.2 (b − a)², over 5 − 2 degrees of freedom.
                let r = seeded dir "a" "gan" 0 "finished" (zigzag 0.1) |> Verdicts.read (criteria []) dir
                close 1e-12 (abs (log 1.1 - log 0.9) * sqrt 0.4) (Verdicts.lateSpread r) "spread of a ±10 % zigzag"
                let short = seeded dir "a" "gan" 1 "finished" (every100 [ 100.0; 50.0; 40.0 ]) |> Verdicts.read (criteria []) dir
                Expect.isTrue (Double.IsNaN(Verdicts.lateSpread short)) "one evaluation in the last fifth: undefined")
            Expect.isFalse (holds (runs (every100 [ 100.0; 50.0; 40.0 ])) claim) "an undefined spread does not hold"
        }

        test "summary.md lists claims over seeds with their numbers and says where seconds come from" {
            inTempDir (fun dir ->
                let rows =
                    [ for seed in 0..1 do
                          seeded dir "a" "gp" seed "finished" (every100 [ 100.0; 20.0; 10.0 ])
                          seeded dir "a" "gan" seed "finished" (every100 [ 100.0; 50.0; 30.0 ]) ]
                let ids = rows |> List.map _.Id
                let claims = [ EndsBetter("gp", "gan", "a"); ReachesLevelSooner("gan", "gp", "a", TrainingSeconds) ]
                match Report.tableWith [ criteria claims, ids ] dir "wgangp test" ids with
                | Error e -> failtest e
                | Ok _ -> ()
                let md = File.ReadAllText(Path.Combine(dir, "summary.md"))
                Expect.stringContains md "| on a, every seed of gp ends with a lower fid than every seed of gan | holds | fid at the last evaluation: gp: s0 10, s1 10 (mean 10); gan: s0 30, s1 30 (mean 30); worst of gp 10 < best of gan 30 |" "claim 1"
                Expect.stringContains md "| on a, every seed of gan reaches gan's level in fewer training seconds than any seed of gp | fails |" "claim 2"
                Expect.stringContains md Verdicts.secondsNote "where the seconds come from")
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
