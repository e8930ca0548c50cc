/// `wgangp bench cost`: the reading's ratios from fabricated timings, and the command through the real process on a
/// grid small enough for seconds (its CSV, figure and report; its skips; a bad value).
module WganGp.Tests.CostBenchTests

open System
open System.IO
open Expecto
open WganGp.Experiments
open WganGp.Tests.Support

/// A timed configuration with a median of `seconds` (min and max ±10 %) and `gflop` per iteration.
let private point architecture method width batch seconds gflop : CostBench.Point =
    { Architecture = architecture; Method = method; Width = width; Batch = batch; Seconds = (seconds, 0.9 * seconds, 1.1 * seconds); Gflop = gflop }

/// The DCGAN pair under WGAN-GP: width 0.25 overhead-bound at small batches (0.15 s whatever the batch up to 32), then
/// linear; width 1 linear throughout (compute-bound); FLOPs 16× from width 0.25 to 1, in proportion to the batch.
let private fabricated =
    [ for batch, seconds in [ 16, 0.15; 32, 0.15; 64, 0.2; 128, 0.4; 256, 0.8 ] -> point "dcgan" "wgan-gp" 0.25 batch seconds (float batch / 64.0)
      for batch, seconds in [ 16, 0.5; 32, 1.0; 64, 2.0; 128, 4.0; 256, 8.0 ] -> point "dcgan" "wgan-gp" 1.0 batch seconds (16.0 * float batch / 64.0) ]

let tests =
    testList "cost bench" [
        test "the batch reading: per-sample cost at the smallest batch over the largest, and where it turns flat" {
            let readings = CostBench.batchReadings fabricated
            Expect.equal (readings |> List.map (fun r -> r.Width)) [ 0.25; 1.0 ] "one reading per width"
            let narrow, wide = readings.[0], readings.[1]
            Expect.equal (narrow.Smallest, narrow.Largest) (16, 256) "the smallest and the largest batch"
            // 0.15 s / 16 = 9.375 ms per sample against 0.8 s / 256 = 3.125 ms: 3×.
            Expect.floatClose Accuracy.high narrow.Ratio 3.0 "overhead-bound at width 0.25"
            Expect.equal narrow.FlatFrom 64 "per-sample cost within 1.2× of batch 256's from batch 64 on (32: 4.7 ms > 3.75)"
            Expect.floatClose Accuracy.high wide.Ratio 1.0 "compute-bound at width 1"
            Expect.equal wide.FlatFrom 16 "flat from the smallest batch"
            Expect.isEmpty (CostBench.batchReadings [ point "dcgan" "dcgan" 1.0 64 1.0 1.0 ]) "one batch: nothing to read"
        }
        test "the width reading: seconds from the narrowest width to the widest at batch 64, against the FLOP ratio" {
            match CostBench.widthReadings fabricated with
            | [ r ] ->
                Expect.equal (r.Batch, r.Narrow, r.Wide) (64, 0.25, 1.0) "at batch 64, width 1 over 0.25"
                Expect.floatClose Accuracy.high r.TimeRatio 10.0 "2 s over 0.2 s"
                Expect.floatClose Accuracy.high r.FlopRatio 16.0 "16× the FLOPs"
                Expect.floatClose Accuracy.high r.Share 0.625 "time grew by 10/16 of the work"
            | other -> failtest $"one reading expected, got {other}"
            // Without batch 64, the largest batch measured at both widths.
            let without64 = fabricated |> List.filter (fun p -> p.Batch <> 64 && not (p.Width = 1.0 && p.Batch = 256))
            match CostBench.widthReadings without64 with
            | [ r ] ->
                Expect.equal r.Batch 128 "the largest common batch"
                Expect.floatClose Accuracy.high r.TimeRatio 10.0 "4 s over 0.4 s"
            | other -> failtest $"one reading expected, got {other}"
            Expect.isEmpty (CostBench.widthReadings (fabricated |> List.filter (fun p -> p.Width = 1.0))) "one width: nothing to read"
        }
        test "wgangp bench cost on a tiny grid writes a CSV row per configuration, the figure and the report" {
            inTempDir (fun dir ->
                let run =
                    wgangpProcess 3.0 dir
                        [ "bench"; "cost"; "--architectures"; "dcgan"; "--methods"; "dcgan"; "--batches"; "2"; "4"; "--widths"; "0.25"
                          "--iterations"; "1"; "--warmup"; "0"; "--rounds"; "1"; "--csv"; "out/cost.csv"; "--figure"; "out/cost.png"; "--report"; "out/cost.md" ]
                Expect.equal run.Code 0 $"exit 0\n{run.Stdout}\n{run.Stderr}"
                let lines = File.ReadAllLines(Path.Combine(dir, "out", "cost.csv"))
                Expect.equal lines.[0] "architecture,method,width,batch,seconds_median,seconds_min,seconds_max,ms_per_sample,gflop_per_iteration" "the header"
                let rows = lines |> Array.tail |> Array.map (fun l -> l.Split ',')
                Expect.equal (rows |> Array.map (fun r -> r.[0], r.[1], r.[2], r.[3])) [| "dcgan", "dcgan", "0.25", "2"; "dcgan", "dcgan", "0.25", "4" |] "a row per batch"
                let number (s: string) = Double.Parse(s, Globalization.CultureInfo.InvariantCulture)
                for r in rows do
                    Expect.isGreaterThan (number r.[4]) 0.0 "seconds measured"
                    Expect.floatClose Accuracy.medium (number r.[7]) (1000.0 * number r.[4] / number r.[3]) "ms per sample = seconds / batch"
                Expect.floatClose Accuracy.medium (number rows.[1].[8]) (2.0 * number rows.[0].[8]) "twice the batch, twice the FLOPs"
                let png = File.ReadAllBytes(Path.Combine(dir, "out", "cost.png"))
                Expect.sequenceEqual png.[0..3] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy |] "the figure is a PNG"
                let report = File.ReadAllLines(Path.Combine(dir, "out", "cost.md"))
                Expect.stringStarts report.[0] "Produced by `wgangp bench cost " "headed by the command"
                Expect.exists report (fun l -> l.StartsWith "| 4 | ") "the table's batch-4 row"
                Expect.exists report (fun l -> l.StartsWith "| dcgan | dcgan | 0.25 | ") "the batch reading")
        }
        test "wgangp bench cost skips a configuration over --max-seconds and those it implies, and says so" {
            inTempDir (fun dir ->
                let run =
                    wgangpProcess 3.0 dir
                        [ "bench"; "cost"; "--architectures"; "dcgan"; "--methods"; "dcgan"; "--batches"; "2"; "4"; "--widths"; "0.25"
                          "--iterations"; "1"; "--warmup"; "0"; "--rounds"; "1"; "--max-seconds"; "0.000001"; "--csv"; "cost.csv" ]
                Expect.equal run.Code 0 $"exit 0\n{run.Stderr}"
                Expect.stringContains run.Stdout "- dcgan dcgan width 0.25 batch 2: iteration 0 (critic steps alone) took" "the first skipped for its time"
                Expect.stringContains run.Stdout "- dcgan dcgan width 0.25 batch 4: not tried: dcgan dcgan width 0.25 batch 2 already took over" "the larger one not tried"
                Expect.equal (File.ReadAllLines(Path.Combine(dir, "cost.csv")).Length) 1 "no rows but the header")
        }
        test "wgangp bench cost --batches 0, or --widths without values: an error naming the flag, exit 2, no trace" {
            inTempDir (fun dir ->
                let run = wgangpProcess 1.0 dir [ "bench"; "cost"; "--batches"; "16"; "0" ]
                Expect.equal run.Code 2 $"usage error\n{run.Stderr}"
                Expect.stringContains run.Stderr "error: --batches 0: expected a whole number of at least 1" "names the flag and the value"
                Expect.isFalse (run.Stderr.Contains "   at ") "no stack trace"
                let empty = wgangpProcess 1.0 dir [ "bench"; "cost"; "--widths" ]
                Expect.equal empty.Code 2 $"a flag without values: usage error\n{empty.Stderr}"
                Expect.stringContains empty.Stderr "error: --widths: expected one or more values" "an empty grid refused")
        }
    ]
