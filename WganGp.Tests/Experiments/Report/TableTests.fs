module WganGp.Tests.TableTests

open System
open System.Globalization
open System.IO
open Deedle
open Expecto
open WganGp.Core.Training
open WganGp.Experiments.Tables

let private run id (keys: (string * string) list) seed status (scores: (string * float) list) =
    { Id = id; Keys = Map.ofList keys; Seed = seed; Status = RunStatusText.TryParse(status).Value; Scores = Map.ofList scores; Protocols = Map.empty }

let private datasets = [ "8gaussians", 1.0; "25gaussians", 10.0 ]
let private methods = [ "wgan-gp", 1.0; "wgan", 3.0 ]

/// 2 datasets × 2 methods × 3 seeds: w1 = scale·[1; 2; 4] (mean 7/3·scale, std √(7/3)·scale), fid = scale + seed.
let private grid =
    [ for d, dScale in datasets do
          for m, mScale in methods do
              for seed, factor in List.indexed [ 1.0; 2.0; 4.0 ] ->
                  let scale = dScale * mScale
                  run $"{d}-{m}-{seed}" [ "dataset", d; "method", m ] seed "finished" [ "w1", scale * factor; "fid", scale + float seed ] ]

let private keys = [ "dataset"; "method" ]

let private strings (frame: Frame<int, string>) column = frame.GetColumn<string>(column).Values |> List.ofSeq

let private rowOf (frame: Frame<int, string>) (d: string) (m: string) =
    frame.RowKeys |> Seq.find (fun r -> frame.GetColumn<string>("dataset").[r] = d && frame.GetColumn<string>("method").[r] = m)

let private float' (frame: Frame<int, string>) column row = frame.GetColumn<float>(column).TryGet(row) |> OptionalValue.asOption
let private int' (frame: Frame<int, string>) column (row: int) = frame.GetColumn<int>(column).[row]

let private close expected actual message =
    match actual with
    | Some a -> Expect.floatClose { absolute = 1e-12; relative = 1e-12 } a expected message
    | None -> failtest $"{message}: missing"

/// Minimal RFC 4180 reader (quoted fields, doubled quotes) so the CSV is checked by parsing, not by string matching.
let private parseCsv (text: string) =
    let rows = ResizeArray<string list>()
    let field = Text.StringBuilder()
    let mutable row = []
    let mutable quoted = false
    let mutable i = 0
    while i < text.Length do
        let c = text.[i]
        if quoted then
            if c = '"' && i + 1 < text.Length && text.[i + 1] = '"' then field.Append '"' |> ignore; i <- i + 1
            elif c = '"' then quoted <- false
            else field.Append c |> ignore
        elif c = '"' then quoted <- true
        elif c = ',' then row <- field.ToString() :: row; field.Clear() |> ignore
        elif c = '\n' then rows.Add(List.rev (field.ToString() :: row)); row <- []; field.Clear() |> ignore
        else field.Append c |> ignore
        i <- i + 1
    List.ofSeq rows

let tests =
    testList "tables" [
        test "mean and sample std per group over 3 seeds" {
            let frame = summarize keys grid
            Expect.equal frame.RowCount 4 "one row per dataset × method"
            for d, dScale in datasets do
                for m, mScale in methods do
                    let r = rowOf frame d m
                    let scale = dScale * mScale
                    Expect.equal (int' frame "runs" r) 3 "runs"
                    Expect.equal (int' frame "finished" r) 3 "finished"
                    close (scale * 7.0 / 3.0) (float' frame "w1 mean" r) $"w1 mean {d}/{m}"
                    close (scale * sqrt (7.0 / 3.0)) (float' frame "w1 std" r) $"w1 std {d}/{m}"
                    close (scale + 1.0) (float' frame "fid mean" r) $"fid mean {d}/{m}"
                    close 1.0 (float' frame "fid std" r) $"fid std {d}/{m}"
        }

        test "columns: keys, counts, then mean/std per score, with their types" {
            let frame = summarize keys grid
            Expect.sequenceEqual frame.ColumnKeys
                [ "dataset"; "method"; "runs"; "finished"; "diverged"; "failed"; "fid mean"; "fid std"; "w1 mean"; "w1 std" ] "columns"
            Expect.sequenceEqual frame.ColumnTypes
                [ typeof<string>; typeof<string>; typeof<int>; typeof<int>; typeof<int>; typeof<int>
                  typeof<float>; typeof<float>; typeof<float>; typeof<float> ] "column types"
        }

        test "diverged and failed runs are counted but excluded from the means" {
            let extra =
                [ run "div" [ "dataset", "8gaussians"; "method", "wgan" ] 3 "diverged" [ "w1", 1e6; "fid", 1e6 ]
                  run "fail" [ "dataset", "8gaussians"; "method", "wgan" ] 4 "failed" [ "w1", -1e6 ]
                  run "live" [ "dataset", "8gaussians"; "method", "wgan" ] 5 "running" [ "w1", 5e5 ] ]
            let frame = summarize keys (grid @ extra)
            let r = rowOf frame "8gaussians" "wgan"
            Expect.equal [ int' frame "runs" r; int' frame "finished" r; int' frame "diverged" r; int' frame "failed" r ] [ 6; 3; 1; 1 ] "counts"
            close 7.0 (float' frame "w1 mean" r) "mean over the 3 finished runs only"
            close (3.0 * sqrt (7.0 / 3.0)) (float' frame "w1 std" r) "std over the 3 finished runs only"
            let other = rowOf frame "8gaussians" "wgan-gp"
            Expect.equal [ int' frame "diverged" other; int' frame "failed" other ] [ 0; 0 ] "other groups unaffected"
        }

        test "a group where no run finished has missing (NaN) scores and shows –" {
            let dead = [ for s in 0..1 -> run $"dead{s}" [ "dataset", "swissroll"; "method", "wgan" ] s "diverged" [ "w1", 1.0 ] ]
            let frame = summarize keys (grid @ dead)
            let r = rowOf frame "swissroll" "wgan"
            Expect.equal (int' frame "diverged" r) 2 "both counted"
            Expect.isNone (float' frame "w1 mean" r) "no mean"
            Expect.isNone (float' frame "w1 std" r) "no std"
            let line = (toMarkdown 3 frame).Split('\n') |> Array.find (fun l -> l.Contains "swissroll")
            Expect.stringContains line "| – | – |" "both scores shown as –"
        }

        test "one finished run gives std 0; identical scores give exactly 0 (not Deedle's one-pass noise)" {
            let rows =
                [ yield run "a" [ "dataset", "one" ] 0 "finished" [ "w1", 0.25 ]
                  for s in 0..2 -> run $"b{s}" [ "dataset", "same" ] s "finished" [ "w1", 0.3 ] ]
            let frame = summarize [ "dataset" ] rows
            Expect.equal (float' frame "w1 std" 0) (Some 0.0) "single run"
            Expect.isTrue ((float' frame "w1 std" 1 |> Option.get) < 1e-15) "identical runs"
        }

        test "non-finite scores are excluded without crashing" {
            let rows =
                [ run "a" [ "dataset", "d" ] 0 "finished" [ "w1", 1.0 ]
                  run "b" [ "dataset", "d" ] 1 "finished" [ "w1", nan ]
                  run "c" [ "dataset", "d" ] 2 "finished" [ "w1", infinity ]
                  run "e" [ "dataset", "d" ] 3 "finished" [ "w1", 3.0; "is", -infinity ] ]
            let frame = summarize [ "dataset" ] rows
            Expect.equal (int' frame "finished" 0) 4 "all finished runs counted"
            close 2.0 (float' frame "w1 mean" 0) "mean of the finite values"
            close (sqrt 2.0) (float' frame "w1 std" 0) "std of the finite values"
            Expect.isNone (float' frame "is mean" 0) "only a non-finite value: missing"
        }

        test "groups are sorted by key columns, each ranked by first appearance; missing key is -" {
            let rows =
                [ run "1" [ "dataset", "b"; "method", "y" ] 0 "finished" []
                  run "2" [ "dataset", "a"; "method", "x" ] 0 "finished" []
                  run "3" [ "dataset", "a"; "method", "y" ] 0 "finished" []
                  run "4" [ "dataset", "b"; "method", "x" ] 0 "finished" []
                  run "5" [ "dataset", "b" ] 0 "finished" []
                  run "6" [ "dataset", "a"; "method", "x" ] 1 "finished" [] ]
            let frame = summarize keys rows
            Expect.equal (strings frame "dataset") [ "b"; "b"; "b"; "a"; "a" ] "datasets: b first, as it appears first"
            Expect.equal (strings frame "method") [ "y"; "x"; "-"; "y"; "x" ] "methods: y before x, then the missing one"
            Expect.sequenceEqual frame.RowKeys [ 0..4 ] "row keys are 0..n-1 in that order"
            Expect.equal (int' frame "runs" 4) 2 "a/x has both of its runs"
        }

        test "markdown: header, separator, one line per group, mean ± std with shared decimals" {
            let rows =
                [ for s, w in List.indexed [ 0.0112; 0.0123; 0.0134 ] ->
                      run $"r{s}" [ "dataset", "8gaussians"; "method", "a|b" ] s "finished" [ "w1", w; "loss", 100.0 * w ] ]
            let md = toMarkdown 3 (summarize keys (grid @ rows))
            let lines = md.TrimEnd('\n').Split('\n')
            Expect.equal lines.Length (5 + 2) "5 groups + header + separator"
            Expect.equal lines.[0] "| dataset | method | runs | finished | diverged | failed | fid | loss | w1 |" "header"
            Expect.equal lines.[1] "|---|---|--:|--:|--:|--:|--:|--:|--:|" "separator"
            let line = lines |> Array.find (fun l -> l.Contains "a\\|b")
            Expect.stringContains line "0.0123 ± 0.0011" "w1 mean ± std"
            Expect.stringContains line "1.23 ± 0.11" "loss mean ± std"
            Expect.stringContains line "| 3 | 3 | 0 | 0 |" "counts as integers"
            // Every line has the same number of unescaped pipes, i.e. the same number of cells.
            let cells (l: string) = l.Replace("\\|", "").Split('|').Length
            Expect.allEqual (lines |> Array.map cells) (cells lines.[0]) "escaped pipes keep rows aligned"
            Expect.stringContains md "| 8gaussians | wgan-gp | 3 | 3 | 0 | 0 | 2.00 ± 1.00 | – | 2.33 ± 1.53 |" "grid row; no loss there"
        }

        test "n = 1: a table of one seed per row prints values, not ± 0, and says so; a row of one seed among several says n = 1" {
            let single = summarize keys [ run "a" [ "dataset", "d"; "method", "m" ] 0 "finished" [ "fid", 198.3 ]
                                          run "b" [ "dataset", "d"; "method", "n" ] 0 "finished" [ "fid", 426.0 ] ]
            let md = toMarkdown 3 single
            Expect.stringContains md "| d | m | 1 | 1 | 0 | 0 | 198 |" "the value alone"
            Expect.isFalse (md.Contains "±") "no spread printed"
            Expect.isTrue (singleSeed single) "one seed per row"
            Expect.stringStarts (spreadNote single) "n = 1: one finished seed per row" "the sentence above the table says n = 1"
            let mixed =
                summarize keys
                    [ yield run "a" [ "dataset", "d"; "method", "m" ] 0 "finished" [ "fid", 198.3 ]
                      for seed, v in [ 0, 400.0; 1, 450.0 ] -> run $"b{seed}" [ "dataset", "d"; "method", "n" ] seed "finished" [ "fid", v ] ]
            let md = toMarkdown 3 mixed
            Expect.stringContains md "| d | m | 1 | 1 | 0 | 0 | 198 (n = 1) |" "one seed among rows of two"
            Expect.stringContains md "| d | n | 2 | 2 | 0 | 0 | 425 ± 35 |" "two seeds: mean ± std"
            Expect.stringStarts (spreadNote mixed) "mean ± sample std" "the sentence above a table of several seeds"
            let pivotMd rows = pivotToMarkdown 3 "architecture" (pivot "fid" "architecture" "method" rows)
            let one = [ run "p" [ "architecture", "a"; "method", "m" ] 0 "finished" [ "fid", 198.3 ] ]
            Expect.equal (pivotMd one) "| architecture | m |\n|---|--:|\n| a | 198 |\n\nn = 1: one finished seed per cell, so each value is that run's, with no spread.\n" "a pivot of one seed per cell"
            Expect.stringContains (pivotMd (one @ [ for seed in 0..1 -> run $"q{seed}" [ "architecture", "a"; "method", "n" ] seed "finished" [ "fid", 400.0 + 50.0 * float seed ] ]))
                "| a | 198 (n = 1) | 425 ± 35 |" "a pivot mixing one seed and two"
        }

        test "markdown: digits are significant digits of the mean" {
            let rows = [ for s, w in List.indexed [ 120.0; 123.0; 127.0 ] -> run $"{s}" [ "dataset", "d" ] s "finished" [ "fid", w ] ]
            let frame = summarize [ "dataset" ] rows
            Expect.stringContains (toMarkdown 3 frame) "| 123 ± 4 |" "3 digits"
            Expect.stringContains (toMarkdown 5 frame) "| 123.33 ± 3.51 |" "5 digits"
        }

        test "csv round-trips every column, with quoting and NaN for missing" {
            let odd = [ run "q" [ "dataset", "8,gaussians"; "method", "say \"hi\"" ] 0 "diverged" [ "w1", 1.0 ] ]
            let frame = summarize keys (grid @ odd)
            let path = Path.Combine(Path.GetTempPath(), $"tables-{Guid.NewGuid()}.csv")
            try
                writeCsv path frame
                let parsed = parseCsv (File.ReadAllText path)
                Expect.equal parsed.Head (List.ofSeq frame.ColumnKeys) "header"
                Expect.equal parsed.Tail.Length frame.RowCount "one line per group"
                let types = Seq.zip frame.ColumnKeys frame.ColumnTypes |> Map.ofSeq
                for r, fields in List.indexed parsed.Tail do
                    for c, field in Seq.zip frame.ColumnKeys fields do
                        let at = $"row {r}, column {c}"
                        if types.[c] = typeof<float> then
                            // Equals, not =, so that NaN (a missing score) matches NaN.
                            let expected = float' frame c r |> Option.defaultValue nan
                            let actual = Double.Parse(field, CultureInfo.InvariantCulture)
                            Expect.isTrue (actual.Equals expected) $"{at}: {actual} <> {expected}"
                        elif types.[c] = typeof<int> then
                            Expect.equal (Int32.Parse(field, CultureInfo.InvariantCulture)) (int' frame c r) at
                        else
                            Expect.equal field (frame.GetColumn<string>(c).[r]) at
                Expect.equal (parsed |> List.last |> List.take 2) [ "8,gaussians"; "say \"hi\"" ] "quoted keys survive"
            finally
                File.Delete path
        }

        test "no rows: an empty frame with the key and count columns" {
            let frame = summarize keys []
            Expect.equal frame.RowCount 0 "no groups"
            Expect.equal ((toMarkdown 3 frame).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length) 2 "header lines only"
        }
    ]
