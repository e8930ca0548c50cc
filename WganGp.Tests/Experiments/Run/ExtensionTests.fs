/// The extension points a script fills, through the real `wgangp` process: an architecture defined in
/// experiments/custom-architecture.fsx taken through plan, run, table, sample and score.
module WganGp.Tests.ExtensionTests

open System.IO
open Expecto
open WganGp.Tests.Support

let tests =
    testList "extension points" [
        test "experiments/custom-architecture.fsx: a script's own generator/critic pair through plan, run, table, sample and score" {
            inTempDir (fun dir ->
                let script = Path.Combine(repoRoot, "experiments", "custom-architecture.fsx")
                let wgangp args = wgangpProcess 5.0 dir args
                let flags = [ "--results"; "results"; "--scale"; "0.02"; "--cells"; "resmlp"; "--threads"; "1"; "--no-tensorboard" ]
                let plan = wgangp ([ "plan"; script ] @ flags)
                ok plan
                Expect.stringContains plan.Stdout "8gaussians-resmlp128x2-wgan-gp-s0-" (shown plan)
                ok (wgangp ([ "run"; script ] @ flags))
                let runDir =
                    Directory.GetDirectories(Path.Combine(dir, "results", "custom-architecture"), "8gaussians-resmlp128x2-*") |> Array.exactlyOne
                let cell = File.ReadAllText(Path.Combine(runDir, "cell.json"))
                for field in [ "\"kind\": \"residual-mlp\""; "\"name\": \"resmlp128x2\""; "\"width\": 128"; "\"blocks\": 2" ] do
                    Expect.stringContains cell field "cell.json records the script's architecture by kind and arguments"
                // Tables read the names alone: no script needed.
                let table = wgangp [ "table"; Path.Combine(dir, "results", "custom-architecture") ]
                ok table
                Expect.stringContains table.Stdout "| 8gaussians | resmlp128x2 | wgan-gp | 1 | 1 |" (shown table)
                // Rebuilding the networks needs the type: without the script, a clear error naming the kind and the flag.
                let refused = wgangp [ "sample"; runDir ]
                Expect.equal refused.Code 1 (shown refused)
                Expect.stringContains refused.Stderr "error: " (shown refused)
                Expect.stringContains refused.Stderr "architecture kind 'residual-mlp' is not built in" (shown refused)
                Expect.stringContains refused.Stderr "--script FILE" (shown refused)
                let out = Path.Combine(dir, "points.csv")
                ok (wgangp [ "sample"; runDir; "--script"; script; "--n"; "50"; "--out"; out ])
                Expect.equal (File.ReadAllLines out).Length 51 "a header and 50 points"
                let score = wgangp [ "score"; runDir; "--script"; script; "--n"; "200" ]
                ok score
                Expect.stringContains score.Stdout "energy " (shown score)
                Expect.stringContains score.Stdout "modes " (shown score))
        }

        test "experiments/custom-dataset.fsx: a script's own data format through run, table and sample; its own error for a bad file" {
            inTempDir (fun dir ->
                let script = Path.Combine(repoRoot, "experiments", "custom-dataset.fsx")
                let wgangp args = wgangpProcess 5.0 dir args
                let data = Directory.CreateDirectory(Path.Combine(dir, "digits")).FullName
                let file = Path.Combine(data, "images.u8")
                File.WriteAllBytes(file, Array.init (100 * 256) (fun i -> byte ((i * 7919) % 256)))
                let flags = [ "--scale"; "0.01"; "--threads"; "1"; "--no-tensorboard"; "--data"; $"raw-digits={data}" ]
                ok (wgangp ([ "run"; script; "--results"; "results" ] @ flags))
                let runDir = Directory.GetDirectories(Path.Combine(dir, "results", "custom-dataset"), "raw-digits-*") |> Array.exactlyOne
                let cell = File.ReadAllText(Path.Combine(runDir, "cell.json"))
                for field in [ "\"kind\": \"raw-u8\""; "\"file\": \"images.u8\""; "\"size\": 16" ] do
                    Expect.stringContains cell field "cell.json records the script's format by kind and arguments"
                let table = wgangp [ "table"; Path.Combine(dir, "results", "custom-dataset") ]
                ok table
                Expect.stringContains table.Stdout "| raw-digits | dcgan-16c1-w0.25 | wgan-gp | 1 | 1 |" (shown table)
                let png = Path.Combine(dir, "grid.png")
                ok (wgangp [ "sample"; runDir; "--script"; script; "--out"; png ])
                Expect.isTrue (File.Exists png) "a PNG grid of the samples"
                // A file that is not whole images: the format's own error, through the process's contract.
                File.WriteAllBytes(file, Array.zeroCreate 300)
                let bad = wgangp ([ "run"; script; "--results"; "again" ] @ flags)
                Expect.notEqual bad.Code 0 (shown bad)
                Expect.stringContains (bad.Stdout + bad.Stderr) "300 bytes is not a whole number of 1x16x16 images" (shown bad))
        }

        test "experiments/custom-scorer.fsx: a script's own scorer scores the run, its evaluations, the table and `score`, by its declaration" {
            inTempDir (fun dir ->
                let script = Path.Combine(repoRoot, "experiments", "custom-scorer.fsx")
                let wgangp args = wgangpProcess 5.0 dir args
                ok (wgangp [ "run"; script; "--results"; "results"; "--scale"; "0.02"; "--threads"; "1"; "--no-tensorboard" ])
                let runDir = Directory.GetDirectories(Path.Combine(dir, "results", "custom-scorer"), "8gaussians-*") |> Array.exactlyOne
                Expect.stringContains (File.ReadAllText(Path.Combine(runDir, "scores.json"))) "\"mmd\"" "the final scores"
                Expect.stringContains (File.ReadAllText(Path.Combine(runDir, "evaluations.csv"))) ",mmd," "the evaluations during training"
                Expect.stringContains (File.ReadAllText(Path.Combine(dir, "results", "custom-scorer", "summary.md"))) "mmd" "a column of the table"
                let scored = wgangp [ "score"; runDir; "--script"; script; "--n"; "300" ]
                ok scored
                Expect.stringContains scored.Stdout "mmd " (shown scored)
                let without = wgangp [ "score"; runDir; "--n"; "300" ]
                ok without
                Expect.isFalse (without.Stdout.Contains "mmd") "without the script, only the built-in scorers")
        }
    ]
