/// Issue 5 items 4, 5 and 7: protocols in tables, architecture × method pivots, the paper's threshold counts (Tables
/// 2/5), the paper's numbers as typed data joined to ours, and the training curves (Figures 3 and 5a).
module WganGp.Tests.AggregationTests

open System
open System.IO
open System.Text.Json
open Deedle
open Expecto
open WganGp.Core.Training
open WganGp.Experiments
open WganGp.Experiments.Tables
open WganGp.Tests.Support

let private row id (keys: (string * string) list) seed status (scores: (string * float) list) =
    { Id = id; Keys = Map.ofList keys; Seed = seed; Status = RunStatusText.TryParse(status).Value; Scores = Map.ofList scores; Protocols = Map.empty }

let private withProtocol score (fields: (string * string) list) (r: RunRow) =
    { r with Protocols = r.Protocols.Add(score, Map.ofList fields) }

let private inception = [ "backbone", "inception-v3-fid"; "weights_sha256", "6726825d"; "generated_n", "5000"; "reference", "cifar10/train" ]

/// A run directory as the trainer writes it: cell.json (the cell's names), status.json, scores.json, protocol.json and,
/// when given, evaluations.csv and log.csv (written verbatim).
let private writeRun (root: string) (id: string) (keys: (string * string) list) (seed: int) (status: string)
                     (scores: (string * float) list) (protocols: (string * (string * string) list) list) =
    let dir = Path.Combine(root, id)
    Directory.CreateDirectory dir |> ignore
    writeCellNames dir keys seed |> ignore
    File.WriteAllText(Path.Combine(dir, RunFiles.Status), JsonSerializer.Serialize(dict [ "status", status ]))
    File.WriteAllText(Path.Combine(dir, RunFiles.Scores), JsonSerializer.Serialize(dict scores))
    if not protocols.IsEmpty then
        File.WriteAllText(Path.Combine(dir, RunFiles.Protocol), JsonSerializer.Serialize(dict [ for s, f in protocols -> s, dict f ]))
    dir

let private expectPng (path: string) =
    Expect.isTrue (File.Exists path) $"{path} was written"
    let bytes = File.ReadAllBytes path
    Expect.isGreaterThan bytes.Length 100 $"{path}: more than a header"
    Expect.sequenceEqual bytes.[0..7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] $"{path}: PNG signature"

/// 2 architectures × 2 methods × 3 seeds; value = base + seed where base = 10·arch + method, so each cell's mean is
/// base + 1 and its std 1. (a2, clip) has one diverged seed; (a1, dcgan) diverged on all; (a2, dcgan) has no run.
let private pivotRows =
    [ for a, ai in [ "a1", 1.0; "a2", 2.0 ] do
          for m, mi in [ "wgan-gp", 1.0; "clip", 2.0 ] do
              for seed in 0..2 ->
                  let status = if a = "a2" && m = "clip" && seed = 2 then "diverged" else "finished"
                  row $"{a}-{m}-{seed}" [ "dataset", "d"; "architecture", a; "method", m ] seed status [ "is", 10.0 * ai + mi + float seed ]
      for seed in 0..2 -> row $"a1-dcgan-{seed}" [ "dataset", "d"; "architecture", "a1"; "method", "dcgan" ] seed "diverged" [ "is", nan ] ]

/// Architectures with a known mean per method: gan and wgan-gp means chosen so each threshold splits them differently.
let private thresholdRowsOf (means: (string * float * float) list) =
    [ for a, gan, wgan in means do
          for seed, delta in [ 0, -0.5; 1, 0.5 ] do
              yield row $"{a}-gan-{seed}" [ "dataset", "imagenet32"; "architecture", a; "method", "gan" ] seed "finished" [ "is", gan + delta ]
              yield row $"{a}-wgan-{seed}" [ "dataset", "imagenet32"; "architecture", a; "method", "wgan-gp" ] seed "finished" [ "is", wgan + delta ] ]

let private cellOf (frame: Frame<string, string>) r c = frame.GetColumn<PivotCell>(c).TryGet(r) |> OptionalValue.asOption

let tests =
    testList "Aggregation" [
        testList "protocols" [
            test "two run directories with fid under different backbones are refused, naming both runs and the field" {
                inTempDir (fun dir ->
                    writeRun dir "run-inception" [ "dataset", "cifar10"; "architecture", "r"; "method", "m" ] 0 "finished"
                        [ "fid", 30.0 ] [ "fid", inception ] |> ignore
                    writeRun dir "run-classifier" [ "dataset", "cifar10"; "architecture", "r"; "method", "m" ] 1 "finished"
                        [ "fid", 3.0 ] [ "fid", [ yield "backbone", "fashion-cnn"; yield! inception.Tail ] ] |> ignore
                    match Report.table dir "wgangp table" [] with
                    | Result.Ok _ -> failtest "a table mixing two FID protocols was written"
                    | Result.Error e ->
                        for text in [ "'fid'"; "run-inception"; "run-classifier"; "backbone = inception-v3-fid"; "backbone = fashion-cnn"; "differing fields: backbone)" ] do
                            Expect.stringContains e text "refusal names the score, both runs and the differing field"
                        Expect.isFalse (e.Contains "weights_sha256") "fields that agree are not listed"
                        Expect.isFalse (File.Exists(Path.Combine(dir, "summary.md"))) "nothing written")
            }

            test "summarize and pivot raise on mixed protocols; an absent field is shown as such" {
                let a = row "a" [ "method", "m" ] 0 "finished" [ "fid", 1.0 ] |> withProtocol "fid" inception
                let b = row "b" [ "method", "m" ] 1 "finished" [ "fid", 2.0 ] |> withProtocol "fid" (List.take 2 inception)
                throwsWith<InvalidDataException> "run 'b' has generated_n = (absent), reference = (absent)" (fun () -> summarize [ "method" ] [ a; b ] |> ignore)
                throwsWith<InvalidDataException> "run 'a'" (fun () -> pivot "fid" "architecture" "method" [ a; b ] |> ignore)
                throwsWith<InvalidDataException> "'fid'" (fun () -> thresholdCounts "fid" [ 1.0 ] [ a; b ] |> ignore)
            }

            test "one protocol per score: agreeing runs, toy scores without one, diverged runs not counted" {
                let rows =
                    [ row "a" [] 0 "finished" [ "fid", 1.0; "w1", 0.1 ] |> withProtocol "fid" inception
                      row "b" [] 1 "finished" [ "fid", 2.0; "w1", 0.2 ] |> withProtocol "fid" inception
                      // A diverged run's scores never reach a column, so its (older) protocol does not block the table.
                      row "c" [] 2 "diverged" [ "fid", nan ] |> withProtocol "fid" [ "backbone", "other" ] ]
                match protocols rows with
                | Result.Error e -> failtest e
                | Result.Ok p ->
                    Expect.equal p (Map [ "fid", Map.ofList inception; "w1", Map.empty ]) "fid's protocol, w1 self-describing"
                    let md = protocolsToMarkdown p
                    Expect.stringContains md "- `fid`: backbone = inception-v3-fid; generated_n = 5000; reference = cifar10/train; weights_sha256 = 6726825d\n" "fields listed"
                    Expect.stringContains md "- `w1`: no protocol recorded" "toy score"
                // A finished run without protocol.json beside one with it: the unknown protocol is a different one.
                let old = row "old" [] 3 "finished" [ "fid", 3.0 ]
                match protocols (old :: rows) with
                | Result.Ok _ -> failtest "a score without protocol accepted beside one with a protocol"
                | Result.Error e -> Expect.stringContains e "run 'old' has backbone = (absent)" "absent protocol named"
            }

            test "scores sharing a protocol share one line" {
                let md = protocolsToMarkdown (Map [ "fid", Map.ofList inception; "is", Map.ofList inception; "w1", Map.empty ])
                Expect.equal (md.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length) 2 "two lines"
                Expect.stringContains md "- `fid`, `is`: backbone" "grouped"
            }

            test "protocol.json is read into the row; a malformed one names the file" {
                inTempDir (fun dir ->
                    let run = writeRun dir "r" [ "dataset", "d" ] 0 "finished" [ "fid", 1.0 ] [ "fid", inception ]
                    let r = RunDirectory.tryRead [ "dataset" ] run |> Option.get
                    Expect.equal r.Protocols (Map [ "fid", Map.ofList inception ]) "read back"
                    File.WriteAllText(Path.Combine(run, RunFiles.Protocol), """{ "fid": "inception" }""")
                    throwsWith<InvalidDataException> "protocol.json: score 'fid' maps to a String" (fun () -> RunDirectory.tryRead [ "dataset" ] run |> ignore))
            }
        ]

        testList "pivots" [
            test "architecture × method: mean ± std over finished seeds, diverged counted, missing combination absent" {
                let frame = pivot "is" "architecture" "method" pivotRows
                Expect.sequenceEqual frame.RowKeys [ "a1"; "a2" ] "rows in order of appearance"
                Expect.sequenceEqual frame.ColumnKeys [ "wgan-gp"; "clip"; "dcgan" ] "columns in order of appearance"
                for a, ai in [ "a1", 1.0; "a2", 2.0 ] do
                    let c = cellOf frame a "wgan-gp" |> Option.get
                    close 1e-12 (10.0 * ai + 2.0) c.Mean $"{a}/wgan-gp mean"
                    close 1e-12 1.0 c.Std $"{a}/wgan-gp std"
                    Expect.equal (c.Runs, c.Finished, c.Diverged) (3, 3, 0) "counts"
                let partial = cellOf frame "a2" "clip" |> Option.get
                close 1e-12 22.5 partial.Mean "mean of seeds 0 and 1 only"
                close 1e-12 (sqrt 0.5) partial.Std "std of seeds 0 and 1 only"
                Expect.equal (partial.Runs, partial.Finished, partial.Diverged) (3, 2, 1) "one diverged"
                let dead = cellOf frame "a1" "dcgan" |> Option.get
                Expect.isTrue (Double.IsNaN dead.Mean) "nothing finished"
                Expect.isNone (cellOf frame "a2" "dcgan") "no run: missing"
            }

            test "pivot Markdown: corner, one line per row, diverged shown, blank when missing" {
                let md = pivotToMarkdown 3 "architecture" (pivot "is" "architecture" "method" pivotRows)
                let lines = md.TrimEnd('\n').Split('\n')
                Expect.equal lines.[0] "| architecture | wgan-gp | clip | dcgan |" "header"
                Expect.equal lines.[1] "|---|--:|--:|--:|" "separator"
                Expect.equal lines.[2] "| a1 | 12.0 ± 1.0 | 13.0 ± 1.0 | diverged 3/3 |" "a1"
                Expect.equal lines.[3] "| a2 | 22.0 ± 1.0 | 22.5 ± 0.7 (diverged 1/3) |  |" "a2"
                Expect.equal lines.Length 4 "two rows"
            }

            test "pivot cell text for runs that neither finished nor diverged" {
                Expect.equal (pivotCellText 3 true { Mean = nan; Std = nan; Runs = 2; Finished = 0; Diverged = 0 }) "not finished 2/2" "running or failed"
                Expect.equal (pivotCellText 3 true { Mean = nan; Std = nan; Runs = 2; Finished = 2; Diverged = 0 }) "–" "finished without a value"
                Expect.equal (pivotCellText 3 true { Mean = 5.0; Std = 0.0; Runs = 3; Finished = 1; Diverged = 1 }) "5.00 (n = 1, diverged 1/3, not finished 1/3)" "one seed: no ± 0, both notes"
                Expect.equal (pivotCellText 3 false { Mean = 5.0; Std = 0.0; Runs = 1; Finished = 1; Diverged = 0 }) "5.00" "one seed in a table of one-seed cells: the value alone"
            }
        ]

        testList "thresholds" [
            // Means (gan, wgan-gp): a1 (2, 6), a2 (4, 4), a3 (6, 2), a4 (8, 8); each is the mean of value ± 0.5.
            let means = [ "a1", 2.0, 6.0; "a2", 4.0, 4.0; "a3", 6.0, 2.0; "a4", 8.0, 8.0 ]
            let expectedCount thresholds pick = [ for t in thresholds -> means |> List.filter (fun m -> pick m > t) |> List.length ]

            test "per method: architectures whose mean exceeds each minimum (strictly)" {
                let thresholds = [ 1.0; 3.0; 4.0; 5.0; 7.0; 9.0 ]
                let frame = thresholdCounts "is" thresholds (thresholdRowsOf means)
                Expect.sequenceEqual frame.RowKeys thresholds "one row per threshold, in order"
                Expect.sequenceEqual frame.ColumnKeys [ "gan"; "wgan-gp" ] "one column per method"
                Expect.sequenceEqual (frame.GetColumn<int>("gan").Values) (expectedCount thresholds (fun (_, g, _) -> g)) "gan"
                Expect.sequenceEqual (frame.GetColumn<int>("wgan-gp").Values) (expectedCount thresholds (fun (_, _, w) -> w)) "wgan-gp"
                Expect.equal (frame.GetColumn<int>("gan").[4.0]) 2 "a mean equal to the minimum does not exceed it"
            }

            test "a diverged architecture exceeds nothing but counts; a running one is not counted yet" {
                let extra =
                    [ row "a5-gan" [ "architecture", "a5"; "method", "gan" ] 0 "diverged" [ "is", nan ]
                      row "a5-wgan" [ "architecture", "a5"; "method", "wgan-gp" ] 0 "finished" [ "is", 5.0 ]
                      row "a6-gan" [ "architecture", "a6"; "method", "gan" ] 0 "running" [] ]
                let rows = thresholdRowsOf means @ extra
                let frame = thresholdCounts "is" [ 1.0 ] rows
                Expect.equal (frame.GetColumn<int>("gan").[1.0]) 4 "a5 diverged under gan: not above 1"
                Expect.equal (frame.GetColumn<int>("wgan-gp").[1.0]) 5 "a5 counts for wgan-gp"
                Expect.equal (architecturesPerMethod "is" rows) (Map [ "gan", 5; "wgan-gp", 5 ]) "a6 (running) not counted"
                let outcomes = thresholdOutcomes "is" "gan" "wgan-gp" [ 4.5 ] rows
                Expect.equal [ for c in outcomes.ColumnKeys -> outcomes.GetColumn<int>(c).[4.5] ] [ 1; 2; 1; 1 ] "only gan a3; only wgan-gp a1, a5; both a4; neither a2"
            }

            test "outcomes: only first, only second, both, neither, summing to the paired architectures" {
                let thresholds = [ 1.0; 3.0; 5.0; 7.0; 9.0 ]
                let frame = thresholdOutcomes "is" "gan" "wgan-gp" thresholds (thresholdRowsOf means)
                Expect.sequenceEqual frame.ColumnKeys [ "only gan"; "only wgan-gp"; "both"; "neither" ] "columns"
                for t in thresholds do
                    let at c = frame.GetColumn<int>(c).[t]
                    let expect pick = means |> List.filter pick |> List.length
                    Expect.equal (at "only gan") (expect (fun (_, g, w) -> g > t && not (w > t))) $"only gan at {t}"
                    Expect.equal (at "only wgan-gp") (expect (fun (_, g, w) -> w > t && not (g > t))) $"only wgan-gp at {t}"
                    Expect.equal (at "both") (expect (fun (_, g, w) -> g > t && w > t)) $"both at {t}"
                    Expect.equal (at "only gan" + at "only wgan-gp" + at "both" + at "neither") means.Length $"sum at {t}"
                let md = thresholdsToMarkdown "is" Map.empty frame
                Expect.stringContains md "| min is | only gan | only wgan-gp | both | neither |\n" "header"
                Expect.stringContains md "| 5.0 | 1 | 1 | 1 | 1 |\n" "row 5.0: a3 / a1 / a4 / a2"
            }

            test "counts Markdown names the denominators" {
                let rows = thresholdRowsOf means
                let md = thresholdsToMarkdown "is" (architecturesPerMethod "is" rows) (thresholdCounts "is" [ 3.0 ] rows)
                Expect.stringContains md "| min is | gan (of 4) | wgan-gp (of 4) |\n|--:|--:|--:|\n| 3.0 | 3 | 3 |\n" "table"
            }
        ]

        testList "paper numbers" [
            test "every record names its source, table and score" {
                for p in PaperNumbers.numbers do
                    for field, value in [ "Source", p.Source; "Table", p.Table; "Score", p.Score; "Dataset", p.Dataset; "Method", p.Method; "Protocol", p.Protocol ] do
                        Expect.isFalse (String.IsNullOrWhiteSpace value) $"{p.Model}: {field}"
                    Expect.isTrue (Double.IsFinite p.Value) $"{p.Model}: value"
                for t in PaperNumbers.thresholdRows do
                    Expect.isFalse (String.IsNullOrWhiteSpace t.Source) $"threshold {t.Threshold}: source"
            }

            test "Tables 2/5: 200 architectures per threshold, Table 2 is the rows 1, 3, 5, 7, 9" {
                Expect.sequenceEqual (PaperNumbers.thresholdRows |> List.map _.Threshold) PaperNumbers.table5Thresholds "Table 5's thresholds"
                for t in PaperNumbers.thresholdRows do
                    Expect.equal t.Of 200 $"row {t.Threshold} sums to the 200 sampled architectures"
                let table2 = PaperNumbers.thresholdRows |> List.filter (fun t -> t.Table.Contains "Table 2")
                Expect.sequenceEqual (table2 |> List.map _.Threshold) PaperNumbers.table2Thresholds "Table 2's rows"
                // Per method, a higher minimum can only be exceeded by fewer architectures.
                for a, b in List.pairwise PaperNumbers.thresholdRows do
                    Expect.isLessThanOrEqual b.FirstCount a.FirstCount $"gan counts fall from {a.Threshold} to {b.Threshold}"
                    Expect.isLessThanOrEqual b.SecondCount a.SecondCount $"wgan-gp counts fall from {a.Threshold} to {b.Threshold}"
            }

            test "comparison joins by dataset, method, score and architecture; unknown keys do not appear" {
                let measured = { PaperNumbers.unstated with N = Some 2000; Splits = Some 10; Backbone = Some "bb" }
                let published: PaperNumbers.PaperNumber list =
                    [ { Table = "Table 9"; Source = "test source A"; Dataset = "d"; Model = "M"; Method = "m"; Architecture = Some "a1"
                        Score = "is"; Value = 7.5; Std = Some 0.25; Protocol = "protocol A"; Measured = measured }
                      { Table = "Table 9"; Source = "test source B"; Dataset = "d"; Model = "M any"; Method = "m"; Architecture = None
                        Score = "is"; Value = 6.0; Std = None; Protocol = "protocol B"; Measured = measured }
                      { Table = "Table 9"; Source = "never joins"; Dataset = "d"; Model = "X"; Method = "other"; Architecture = None
                        Score = "is"; Value = 1.0; Std = None; Protocol = "p"; Measured = measured }
                      { Table = "Table 9"; Source = "no such score"; Dataset = "d"; Model = "M"; Method = "m"; Architecture = None
                        Score = "fid"; Value = 1.0; Std = None; Protocol = "p"; Measured = measured } ]
                let rows =
                    [ for a in [ "a1"; "a2" ] do
                          for seed, v in [ 0, 7.0; 1, 8.0 ] -> row $"{a}-{seed}" [ "dataset", "d"; "architecture", a; "method", "m" ] seed "finished" [ "is", v ] ]
                let protocols = Map [ "is", Map [ "generated_n", "2000"; "is_splits", "10"; "backbone", "bb" ] ]
                let md = PaperNumbers.comparisonWith published 3 protocols (summarize Report.keyColumns rows)
                let lines = md.TrimEnd('\n').Split('\n')
                Expect.equal lines.[0] "| dataset | architecture | method | score | ours | paper | source | paper's protocol |" "header"
                Expect.equal lines.Length 5 "header, rule, a1 × 2 numbers, a2 × 1 (architecture-free) number"
                Expect.contains lines "| d | a1 | m | is | 7.50 ± 0.71 (n = 2) | 7.5 ± 0.25 | M: test source A | protocol A |" "a1 joined to A"
                Expect.contains lines "| d | a2 | m | is | 7.50 ± 0.71 (n = 2) | 6 | M any: test source B | protocol B |" "a2 joined to B"
                Expect.isFalse (md.Contains "never joins" || md.Contains "no such score") "unmatched numbers absent"
                Expect.equal (PaperNumbers.comparisonWith published 3 protocols (summarize Report.keyColumns [ row "z" [ "dataset", "e"; "method", "m" ] 0 "finished" [ "is", 1.0 ] ])) "" "nothing joins: empty"
            }

            test "a published number is set beside ours only under its protocol (N, splits, backbone); otherwise not comparable, with the reason" {
                // Table 3's unsupervised 7.86: gan_cifar_resnet.py's 50,000 samples in 10 splits of the TF Inception.
                let rows =
                    [ for seed, v in [ 0, 7.5; 1, 7.7 ] ->
                          row $"r{seed}" [ "dataset", "cifar10-dequantized"; "architecture", "cifar-resnet"; "method", "wgan-gp-resnet" ] seed "finished" [ "is", v ] ]
                let frame = summarize Report.keyColumns rows
                let protocol n splits hash =
                    Map [ "is", Map [ "generated_n", string n; "is_splits", string splits; "backbone", "inception-v3-fid"; "weights_sha256", hash ] ]
                let pytorchFid = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"
                let paperRow = "| 7.86 ± 0.07 | WGAN-GP ResNet, unsupervised: arXiv 1704.00028v3, Table 3 |"
                let matching = PaperNumbers.comparison 3 (protocol 50_000 10 pytorchFid) frame
                Expect.stringContains matching paperRow "50k, 10 splits, the TF Inception's weights: set beside the paper's"
                Expect.stringContains matching "| cifar10-dequantized | cifar-resnet | wgan-gp-resnet | is | 7.60 ± 0.14 (n = 2) |" "ours in the same row"
                Expect.isFalse (matching.Contains "8.42") "the supervised number needs the AC architecture and method"
                let expectRefused (md: string) (reason: string) what =
                    Expect.isFalse (md.Contains paperRow) $"{what}: not set beside the paper's"
                    Expect.isFalse (md.Contains "7.60 ± 0.14") $"{what}: our number is not shown beside it"
                    Expect.stringContains md "WGAN-GP ResNet, unsupervised: arXiv 1704.00028v3, Table 3): not comparable: " $"{what}: listed as not comparable"
                    Expect.stringContains md reason $"{what}: the reason"
                expectRefused (PaperNumbers.comparison 3 (protocol 1000 10 pytorchFid) frame) "N (generated samples): ours 1000, the source's 50000" "1,000 samples"
                expectRefused (PaperNumbers.comparison 3 (protocol 50_000 1 pytorchFid) frame) "Inception Score splits: ours 1, the source's 10" "one split"
                expectRefused (PaperNumbers.comparison 3 (protocol 50_000 10 "0123abcd") frame) "backbone: ours inception-v3-fid, the source's inception-2015-12-05" "other weights"
                expectRefused (PaperNumbers.comparison 3 Map.empty frame) "our runs recorded no protocol for 'is'" "no protocol"
                // A number whose source does not state its N (the DCGAN's 7.24 on 32 × 32 ImageNet) is never comparable.
                let dcgan = summarize Report.keyColumns [ row "g" [ "dataset", "imagenet32"; "architecture", "dcgan-32c3"; "method", "gan" ] 0 "finished" [ "is", 7.0 ] ]
                Expect.stringContains (PaperNumbers.comparison 3 (protocol 50_000 10 pytorchFid) dcgan) "the source does not state its N (generated samples)" "unstated N"
            }

            test "per-method counts: the paper's count beside gan and wgan-gp only" {
                let rows =
                    thresholdRowsOf [ "a1", 2.0, 6.0; "a2", 4.0, 4.0 ]
                    @ [ row "a1-clip" [ "architecture", "a1"; "method", "clip" ] 0 "finished" [ "is", 9.5 ] ]
                let md = PaperNumbers.methodCounts "is" rows
                Expect.stringContains md "| min is | gan, ours (of 2) | gan, paper (of 200) | wgan-gp, ours (of 2) | wgan-gp, paper (of 200) | clip, ours (of 1) |\n" "header"
                Expect.stringContains md "| 5.0 | 0 | 42 | 1 | 189 | 1 |\n" "row 5.0: ours, the paper's 0 + 42 and 147 + 42"
                Expect.equal (md.TrimEnd('\n').Split('\n').Length) (2 + PaperNumbers.table5Thresholds.Length) "one row per threshold of Table 5"
                Expect.equal (PaperNumbers.methodCounts "fid" rows) "" "no published thresholds for fid"
            }

            test "threshold comparison: ours beside the paper's counts for gan and wgan-gp" {
                let md = PaperNumbers.thresholdComparison "is" (thresholdRowsOf [ "a1", 2.0, 6.0; "a2", 4.0, 4.0; "a3", 6.0, 2.0; "a4", 8.0, 8.0 ])
                Expect.stringContains md "| min is | only gan, ours (of 4) |" "header"
                Expect.stringContains md "| 3.0 | 1 | 1 | 2 | 0 | 1 | 88 | 110 | 1 | arXiv 1704.00028v3, Table 2 (and Table 5) |" "row 3.0"
                Expect.equal (PaperNumbers.thresholdComparison "is" pivotRows) "" "other methods: nothing"
            }
        ]

        testList "curves" [
            let evaluations (rows: string list) = String.concat "" [ yield RunFiles.EvaluationsHeader + "\n"; for r in rows -> r + "\n" ]
            let log (rows: string list) = String.concat "" [ yield RunFiles.LogHeader + "\n"; for r in rows -> r + "\n" ]

            test "Figure 3 and 5a: one PNG per score (not per companion) and axis, and a critic-loss figure per kind of loss, from two run directories" {
                inTempDir (fun dir ->
                    let runs =
                        [ for m, seed, loss in [ "wgan-gp", 0, "wasserstein"; "dcgan", 1, "bce-logits" ] ->
                              let id = $"cifar-{m}-{seed}"
                              // The kind of critic loss, as cell.json records the method.
                              let run = writeRun dir id [ "dataset", "cifar10"; "architecture", "cifar-dcgan"; "method", m; "critic_loss", loss ] seed "finished" [ "is", 5.0 ] []
                              File.WriteAllText(Path.Combine(run, RunFiles.Evaluations),
                                  evaluations [ for k in 1..4 do
                                                    yield $"{1000 * k},{12.5 * float k},is,{1.0 + float k}"
                                                    yield $"{1000 * k},{12.5 * float k},fid,{100.0 / float k}"
                                                    // Companions of is and fid get no figure; a _real score accompanying nothing does.
                                                    yield $"{1000 * k},{12.5 * float k},is_std,0.1"
                                                    yield $"{1000 * k},{12.5 * float k},fid_real,1"
                                                    yield $"{1000 * k},{12.5 * float k},is_std_real,0.2"
                                                    yield $"{1000 * k},{12.5 * float k},w_real,0.5" ])
                              File.WriteAllText(Path.Combine(run, RunFiles.Log),
                                  log [ for i in 0..9 -> $"{i * 100},{-1.0 / float (i + 1)},0.5,0.01,0.2,1.0,{float i}" ])
                              id ]
                    let rows = RunDirectory.readAll Report.keyColumns dir
                    Expect.equal (rows |> List.map _.Id |> List.sort) (List.sort runs) "both runs read"
                    let written = Curves.write dir rows
                    let expected =
                        [ for s in [ "fid"; "is"; "w_real" ] do for x in [ "iterations"; "seconds" ] -> $"curve-{s}-{x}.png" ]
                        // Kinds in the order their runs come (run directories by name: cifar-dcgan-1 first).
                        @ [ "critic-loss-bce-logits.png"; "critic-loss-wasserstein.png" ]
                    Expect.equal (written |> List.map Path.GetFileName) expected "files written, scores alphabetical"
                    for f in expected do expectPng (Path.Combine(dir, f)))
            }

            test "readers: values parsed, critic loss negated, NaN kept, an unterminated last line skipped" {
                inTempDir (fun dir ->
                    let e = Path.Combine(dir, "evaluations.csv")
                    File.WriteAllText(e, evaluations [ "100,1.5,is,2.25"; "200,3.000,is,NaN"; "200,3.000,kid," ] + "300,4.5,is,7")
                    Expect.equal (Curves.readEvaluations e |> List.map (fun x -> x.Iteration, x.Seconds, x.Score)) [ 100, 1.5, "is"; 200, 3.0, "is"; 200, 3.0, "kid" ] "three complete rows"
                    Expect.equal (Curves.readEvaluations e |> List.map _.Value |> List.head) 2.25 "value"
                    Expect.isTrue (Curves.readEvaluations e |> List.skip 1 |> List.forall (fun x -> Double.IsNaN x.Value)) "NaN and empty are NaN"
                    let l = Path.Combine(dir, "log.csv")
                    File.WriteAllText(l, log [ "0,0.25,0,0,0,0,0.1"; "5,,0,0,0,0,0.2" ])
                    let points = Curves.readNegativeCriticLoss l
                    Expect.equal (points |> List.map fst) [ 0; 5 ] "iterations"
                    Expect.equal (List.head points |> snd) -0.25 "negated"
                    Expect.isTrue (Double.IsNaN(snd points.[1])) "empty loss is NaN")
            }

            test "a malformed row is reported with its file and line" {
                inTempDir (fun dir ->
                    let e = Path.Combine(dir, "evaluations.csv")
                    File.WriteAllText(e, evaluations [ "100,1.5,is,2.25"; "200,3.0,is" ])
                    throwsWith<InvalidDataException> $"{e}:3: '200,3.0,is' has 3 fields" (fun () -> Curves.readEvaluations e |> ignore)
                    File.WriteAllText(e, evaluations [ "100,1.5,is,abc" ])
                    throwsWith<InvalidDataException> $"{e}:2: value 'abc' is not a number" (fun () -> Curves.readEvaluations e |> ignore)
                    File.WriteAllText(e, "it,sec,score,value\n")
                    throwsWith<InvalidDataException> $"{e}:1: header" (fun () -> Curves.readEvaluations e |> ignore)
                    let l = Path.Combine(dir, "log.csv")
                    File.WriteAllText(l, log [ "0,0.25,0,0,0,0,0.1"; "x,0.5,0,0,0,0,0.2" ])
                    throwsWith<InvalidDataException> $"{l}:3: iteration 'x' is not an integer" (fun () -> Curves.readNegativeCriticLoss l |> ignore))
            }

            test "no evaluations and no log: no figure" {
                inTempDir (fun dir ->
                    writeRun dir "r" [ "dataset", "d" ] 0 "finished" [] [] |> ignore
                    Expect.isEmpty (Curves.write dir (RunDirectory.readAll Report.keyColumns dir)) "nothing written"
                    Expect.isEmpty (Directory.GetFiles(dir, "*.png")) "no PNG")
            }

            // Runs as the curves read them: (dataset, architecture, method, seed) with (iteration, seconds, score, value) rows.
            let curveRun d a m seed (es: (int * float * string * float) list) : Curves.RunCurves =
                { Row = row $"{a}-{m}-{seed}" [ "dataset", d; "architecture", a; "method", m ] seed "finished" []
                  Evaluations = [ for it, sec, score, v in es -> { Iteration = it; Seconds = sec; Score = score; Value = v } ] }
            let fids (pairs: (int * float) list) = [ for it, v in pairs -> it, float it / 10.0, "fid", v ]

            test "a method has one colour in every figure: the paper's runs distinct, any other name by itself, never by its neighbours" {
                let named = [ "wgan-gp"; "wgan-clip"; "dcgan"; "lsgan"; "wgan-gp-rmsprop"; "wgan-gp-adam" ]
                Expect.equal (named |> List.map Curves.methodColour |> List.distinct |> List.length) named.Length "Figures 2 and 3's methods: six colours"
                Expect.equal (Curves.methodColour "my-variant") (Curves.methodColour "my-variant") "an unknown name: the same colour every time"
                Expect.equal (Curves.methodColour "wgan-clip").ARGB 0xffff7f0eu "weight clipping is orange in every results folder"
                let colourOf (f: Plots.Figure) m = f.Panels |> List.collect _.Lines |> List.find (fun l -> l.Label.StartsWith(m + " ")) |> _.Colour
                let alone = Curves.smallMultiples "fid" "iterations" [ curveRun "d" "a" "wgan-gp" 0 (fids [ 100, 5.0 ]) ]
                let crowded =
                    Curves.smallMultiples "fid" "iterations"
                        [ for m in [ "my-variant"; "lsgan"; "dcgan"; "wgan-gp" ] -> curveRun "d" "a" m 0 (fids [ 100, 5.0 ]) ]
                Expect.equal (colourOf alone "wgan-gp") (colourOf crowded "wgan-gp") "wgan-gp alone or fourth of four"
                Expect.equal (colourOf crowded "wgan-gp") (Curves.methodColour "wgan-gp") "the fixed colour"
                let f3 = Curves.figure3 "t" "fid" [] [ curveRun "d" "a" "wgan-gp" 0 (fids [ 100, 5.0 ]) ] []
                Expect.equal (f3.Panels.Head.Lines.Head.Colour) (Curves.methodColour "wgan-gp") "Figure 3 too"
            }

            test "many-cell curves as small multiples: a panel per architecture with its own x range, a key of whole method names, log y for Fréchet scores" {
                let long = "wgan-gp-rmsprop-with-a-name-longer-than-any-legend-column"
                let runs =
                    [ curveRun "d" "short" long 0 (fids [ 0, 800.0; 50, 400.0; 100, 300.0 ])
                      curveRun "d" "short" "dcgan" 0 (fids [ 0, 800.0; 100, 250.0 ])
                      curveRun "d" "long" long 0 (fids [ 0, 800.0; 5000, 100.0; 10000, 50.0 ])
                      curveRun "d" "long" "dcgan" 1 [ 0, 0.0, "fid", 800.0; 10000, 1000.0, "fid", 60.0; 10000, 1000.0, "fid_real", 2.0 ] ]
                let f = Curves.smallMultiples "fid" "iterations" runs
                Expect.equal (f.Panels |> List.map _.Title) [ "short"; "long" ] "a panel per architecture, in grid order"
                Expect.equal (f.Key |> List.map _.Label) [ long; "dcgan" ] "one key entry per method, its whole name"
                Expect.isTrue (f.Panels |> List.forall _.LogY) "fid on a log scale"
                let left, right, _, _ = (Plots.panelLimits f.Panels.[0]).Value
                Expect.isLessThan right 200.0 "the short runs' panel ends near their 100 iterations, not at the other panel's 10,000"
                Expect.isGreaterThanOrEqual right 100.0 "and shows all of them"
                Expect.isLessThanOrEqual left 0.0 "from iteration 0"
                let _, right, _, _ = (Plots.panelLimits f.Panels.[1]).Value
                Expect.isGreaterThanOrEqual right 10000.0 "the long runs' panel shows them to the end"
                Expect.isFalse ((Curves.smallMultiples "is" "iterations" [ curveRun "d" "a" "m" 0 [ 100, 1.0, "is", 2.0 ] ]).Panels.Head.LogY) "Inception Score on a linear scale"
                Expect.exists f.Notes (fun n -> n.Contains "fid_real" && n.Contains "2") "the real-data level in the notes"
                let secondsPanel = (Curves.smallMultiples "fid" "seconds" runs).Panels.[1]
                Expect.equal (secondsPanel.Lines |> List.map (fun l -> Array.max l.Xs)) [ 1000.0; 1000.0 ] "against seconds: evaluations.csv's seconds"
            }

            test "Figure 3: a line per method, the mean over its seeds with the min–max band, the real level and the given rules" {
                let runs =
                    [ for seed, scale in [ 0, 1.0; 1, 2.0; 2, 3.0 ] ->
                          curveRun "d" "a" "gp" seed [ for it in [ 0; 100; 200 ] -> it, float it * scale, "fid", 100.0 * scale / float (1 + it / 100) ] ]
                    @ [ curveRun "d" "a" "gan" 0 [ 0, 0.0, "fid", 90.0; 100, 5.0, "fid", 40.0; 100, 5.0, "fid_real", 2.0 ] ]
                let level: Plots.Rule = { Label = "gp's level"; Colour = Curves.methodColour "gp"; Y = 30.0 }
                let f = Curves.figure3 "t" "fid" [] runs [ level ]
                Expect.equal (f.Panels |> List.map _.XLabel) [ "generator iterations"; "training seconds" ] "two panels: iterations and seconds"
                let gp = f.Panels.[0].Lines |> List.find (fun l -> l.Label = "gp")
                Expect.equal gp.Xs [| 0.0; 100.0; 200.0 |] "at each evaluation"
                Expect.equal gp.Ys [| 200.0; 100.0; 200.0 / 3.0 |] "the mean of the three seeds"
                Expect.equal gp.Band (Some([| 100.0; 50.0; 100.0 / 3.0 |], [| 300.0; 150.0; 100.0 |])) "the band: lowest and highest seed"
                let gpSeconds = f.Panels.[1].Lines |> List.find (fun l -> l.Label = "gp")
                Expect.equal gpSeconds.Xs [| 0.0; 200.0; 400.0 |] "against seconds: the mean of the seeds' seconds"
                Expect.isNone (f.Panels.[0].Lines |> List.find (fun l -> l.Label = "gan")).Band "one seed: no band"
                Expect.equal (f.Panels.[0].Rules |> List.map (fun r -> r.Y)) [ 2.0; 30.0 ] "real data, then the claim's level"
                Expect.exists f.Key (fun k -> k.Label = "gp (mean of 3)") "the key says how many seeds a line is the mean of"
                Expect.exists f.Key (fun k -> k.Style = Plots.Band && k.Label.Contains "min–max") "and what the band is"
                Expect.isTrue f.Panels.Head.LogY "fid on a log scale"
                // With rates measured alone, the seconds panel is each method's iterations times its own rate.
                let atRates = Curves.figure3 "t" "fid" [ "gp", 0.5; "gan", 0.1 ] runs [ level ]
                Expect.equal ((atRates.Panels.[1].Lines |> List.find (fun l -> l.Label = "gp")).Xs) [| 0.0; 50.0; 100.0 |] "gp at 0.5 s per iteration"
                Expect.equal ((atRates.Panels.[1].Lines |> List.find (fun l -> l.Label = "gan")).Xs) [| 0.0; 10.0 |] "gan at 0.1 s, not its clock's 5 s"
                Expect.stringContains atRates.Panels.[1].XLabel "measured alone" "the axis says so"
                Expect.exists atRates.Notes (fun n -> n.Contains "gp 0.5 s" && n.Contains "gan 0.1 s") "the rates stated on the plot"
            }

            test "losses only beside losses of the same kind: a figure per kind, Wasserstein estimates negated as Figure 5a" {
                let r a m seed = row $"{a}-{m}-{seed}" [ "dataset", "d"; "architecture", a; "method", m ] seed "finished" []
                let figures =
                    Curves.lossFigures
                        [ r "a1" "wgan-gp" 0, "wasserstein", [ 0, -1.0; 1, -2.0 ]
                          r "a1" "dcgan" 0, "bce-logits", [ 0, 0.7; 1, 0.6 ]
                          r "a2" "wgan-clip" 0, "wasserstein", [ 0, -0.5 ]
                          r "a2" "lsgan" 0, "least-squares", [ 0, 0.3 ] ]
                Expect.equal (figures |> List.map fst) [ "wasserstein"; "bce-logits"; "least-squares" ] "three kinds, three figures"
                let w = figures |> List.find (fst >> (=) "wasserstein") |> snd
                Expect.equal (w.Panels |> List.map _.Title) [ "a1"; "a2" ] "a panel per architecture"
                Expect.equal (w.Key |> List.map _.Label) [ "wgan-gp"; "wgan-clip" ] "only the Wasserstein methods"
                Expect.equal w.Panels.[0].Lines.Head.Ys [| 1.0; 2.0 |] "−critic loss"
                let bce = figures |> List.find (fst >> (=) "bce-logits") |> snd
                Expect.equal (bce.Panels |> List.collect _.Lines |> List.map _.Ys) [ [| 0.7; 0.6 |] ] "the cross-entropy alone, as it is"
            }

            test "log ticks: every multiple within a decade, 1-2-5 up to four, decades beyond" {
                Expect.equal (Plots.logTicks 150.0 900.0 |> List.map snd) [ "200"; "300"; "400"; "500"; "600"; "700"; "800"; "900" ] "under a decade"
                Expect.equal (Plots.logTicks 1.5 900.0 |> List.map snd) [ "2"; "5"; "10"; "20"; "50"; "100"; "200"; "500" ] "under four decades"
                Expect.equal (Plots.logTicks 0.009 250.0 |> List.map snd) [ "0.01"; "0.1"; "1"; "10"; "100" ] "more"
                Expect.equal (Plots.logTicks 10.0 1000.0 |> List.map fst) [ 1.0; log10 20.0; log10 50.0; 2.0; log10 200.0; log10 500.0; 3.0 ] "positions are logarithms"
            }

            test "a log x axis: limits in log10 of x, ticks at the lines' own x values when they are few" {
                let line xs : Plots.Line = { Label = "w"; Colour = Curves.realColour; Xs = xs; Ys = Array.map (fun x -> x / 100.0) xs; Band = None }
                let panel: Plots.Panel =
                    { Title = "t"; XLabel = "batch size"; YLabel = "s"; LogY = true; LogX = true; Rules = []; Lines = [ line [| 16.0; 64.0; 256.0 |] ] }
                let left, right, _, _ = (Plots.panelLimits panel).Value
                let margin = 0.04 * (log10 256.0 - log10 16.0)
                Expect.floatClose Accuracy.high left (log10 16.0 - margin) "from log10 16 less the margin"
                Expect.floatClose Accuracy.high right (log10 256.0 + margin) "to log10 256 plus the margin"
                Expect.equal (Plots.logXTicks panel 10.0 300.0) [ log10 16.0, "16"; log10 64.0, "64"; log10 256.0, "256" ] "the batches themselves"
                let dense = { panel with Lines = [ line [| for k in 1 .. 20 -> float k * 10.0 |] ] }
                Expect.equal (Plots.logXTicks dense 10.0 200.0) (Plots.logTicks 10.0 200.0) "many values: the 1-2-5 ticks"
            }

            test "a figure's title too long for its width wraps onto a second line instead of running off the image" {
                inTempDir (fun dir ->
                    let panel : Plots.Panel =
                        { Title = "p"; XLabel = "x"; YLabel = "y"; LogY = false; LogX = false; Rules = []
                          Lines = [ { Label = "a"; Colour = ScottPlot.Colors.Blue; Xs = [| 1.0; 2.0 |]; Ys = [| 1.0; 2.0 |]; Band = None } ] }
                    let draw (title: string) =
                        let path = Path.Combine(dir, $"{title.Length}.png")
                        Plots.figure path { Title = title; Notes = []; Key = []; Columns = 1; PanelSize = (300, 200); Panels = [ panel ] }
                        use png = SkiaSharp.SKBitmap.Decode path
                        png.Width, png.Height
                    let (shortWidth, shortHeight), (longWidth, longHeight) = draw "short", draw (String.replicate 30 "a long title ")
                    Expect.equal longWidth shortWidth "the width does not grow"
                    Expect.isGreaterThanOrEqual (longHeight - shortHeight) 26 "at least one more title line")
            }

            test "the sample composite: captions under cells, a header panel, an empty cell where there is none" {
                inTempDir (fun dir ->
                    let tile (name: string) (value: byte) =
                        let path = Path.Combine(dir, name)
                        // 64 images: a square 8 × 8 grid.
                        use ones = TorchSharp.torch.ones([| 64L; 1L; 8L; 8L |])
                        use level = TorchSharp.torch.tensor(float32 value / 127.5f - 1.0f)
                        use images = ones.mul level
                        WganGp.Core.Data.Images.ImageGrid.SavePng(images, WganGp.Core.Data.PixelScaling.MinusOneOne, path)
                        path
                    let a, b = tile "a.png" 0uy, tile "b.png" 255uy
                    let cell (path: string) (caption: string | null) : WganGp.Core.Data.Images.MatrixCell | null = WganGp.Core.Data.Images.MatrixCell(path, caption)
                    let out = Path.Combine(dir, "m.png")
                    WganGp.Core.Data.Images.ImageMatrix.SavePng(
                        out, "title", [ "row" ], [ "one"; "two"; "three" ],
                        [| [| cell a "fid 12.3"; cell (Path.Combine(dir, "missing.png")) null; null |] :> Collections.Generic.IReadOnlyList<_> |],
                        cell b "fid_real 1.5", "real data", [ "a note" ], cellWidth = 100)
                    use png = SkiaSharp.SKBitmap.Decode out
                    // Title and note (2 × 28), header 100 + caption 22 + gap 8, column labels 28, the row: 100 + caption 22,
                    // its gap and the bottom gap (8 + 8).
                    Expect.equal png.Height (56 + 130 + 28 + 122 + 16) "height: header, captions, row"
                    let rowTop = 56 + 130 + 28
                    let labelWidth = png.Width - 3 * 108 - 8
                    let dark (x0: int) (y0: int) (w: int) (h: int) =
                        seq { for y in y0 .. y0 + h - 1 do for x in x0 .. x0 + w - 1 -> png.GetPixel(x, y) } |> Seq.exists (fun c -> c.Red < 100uy)
                    Expect.isTrue (dark labelWidth (rowTop + 100) 100 22) "a caption under the first cell"
                    Expect.isFalse (dark (labelWidth + 108) (rowTop + 100) 100 22) "none under a cell without one"
                    Expect.equal (png.GetPixel(labelWidth + 108 + 50, rowTop + 5)) (SkiaSharp.SKColor(225uy, 225uy, 225uy)) "a missing file: grey"
                    Expect.equal (png.GetPixel(labelWidth + 216 + 50, rowTop + 50)) SkiaSharp.SKColors.White "no cell: nothing drawn"
                    Expect.isTrue (dark labelWidth (56 + 100) 100 22) "the header's caption")
            }
        ]

        testList "runner" [
            test "table writes the protocols, pivots, threshold counts, the comparison and the curves" {
                inTempDir (fun dir ->
                    for a, offset in [ "arch-a", 0.0; "arch-b", 4.0 ] do
                        for m, bonus in [ "gan", 0.0; "wgan-gp", 1.0 ] do
                            for seed in 0..1 do
                                let id = $"{a}-{m}-{seed}"
                                let run =
                                    writeRun dir id [ "dataset", "imagenet32"; "architecture", a; "method", m ] seed "finished"
                                        [ "is", 2.0 + offset + bonus + float seed; "is_std", 0.1; "fid", 50.0 ] [ "is", inception; "is_std", inception; "fid", inception ]
                                File.WriteAllText(Path.Combine(run, RunFiles.Evaluations), $"{RunFiles.EvaluationsHeader}\n100,2.0,is,1.5\n200,4.0,is,2.5\n")
                    match Report.table dir "wgangp table" [] with
                    | Result.Error e -> failtest e
                    | Result.Ok markdown ->
                        Expect.stringContains markdown "| imagenet32 | arch-b | wgan-gp |" "summary rows"
                        let summary = File.ReadAllText(Path.Combine(dir, "summary.md"))
                        Expect.stringContains summary "## Protocols\n\n- `fid`, `is`, `is_std`: backbone = inception-v3-fid;" "protocol section, once for the three scores"
                        Expect.isLessThan (summary.IndexOf "## Protocols") (summary.IndexOf "| dataset |") "protocols before the table"
                        let pivotIs = File.ReadAllText(Path.Combine(dir, "pivot-is.md"))
                        Expect.stringContains pivotIs "## is on imagenet32\n\n| architecture | gan | wgan-gp |" "pivot header"
                        Expect.stringContains pivotIs "| arch-b | 6.50 ± 0.71 | 7.50 ± 0.71 |" "pivot row"
                        Expect.isTrue (File.Exists(Path.Combine(dir, "pivot-fid.md"))) "one pivot per score"
                        Expect.isFalse (File.Exists(Path.Combine(dir, "pivot-is_std.md"))) "none for a companion score (is_std)"
                        let thresholds = File.ReadAllText(Path.Combine(dir, "thresholds-is.md"))
                        Expect.stringContains thresholds "| min is | gan, ours (of 2) | gan, paper (of 200) | wgan-gp, ours (of 2) | wgan-gp, paper (of 200) |" "per-method counts"
                        Expect.stringContains thresholds "| 3.0 | 1 | 111 | 2 | 198 |" "means 2.5, 6.5 (gan) and 3.5, 7.5 (wgan-gp): 1 and 2 above 3; the paper's 1 + 110 and 88 + 110"
                        Expect.stringContains thresholds "| 3.0 | 0 | 1 | 1 | 0 | 1 | 88 | 110 | 1 |" "per architecture, beside the paper's Table 2"
                        Expect.isFalse (File.Exists(Path.Combine(dir, "thresholds-fid.md"))) "the paper counts thresholds of IS only"
                        for f in [ "curve-is-iterations.png"; "curve-is-seconds.png" ] do expectPng (Path.Combine(dir, f))
                        Expect.isEmpty (Directory.GetFiles(dir, "critic-loss-*.png")) "no log.csv: no loss figure")
            }

            test "a rerun that changes nothing but the date keeps summary.md's date; a changed table gets today's" {
                inTempDir (fun dir ->
                    writeRun dir "r0" [ "dataset", "d"; "architecture", "a"; "method", "m" ] 0 "finished" [ "w1", 0.5 ] [] |> ignore
                    let summary = Path.Combine(dir, "summary.md")
                    let table () = match Report.table dir "wgangp table" [] with Result.Error e -> failtest e | Result.Ok _ -> ()
                    let today = DateTime.UtcNow.ToString "yyyy-MM-dd"
                    table ()
                    Expect.stringContains (File.ReadAllText summary) $" on {today} from 1 run directories" "dated today"
                    // As if published on an earlier day: the same table must not be rewritten for its date alone.
                    File.WriteAllText(summary, File.ReadAllText(summary).Replace(today, "2000-01-02"))
                    table ()
                    Expect.stringContains (File.ReadAllText summary) " on 2000-01-02 from 1 run directories" "unchanged: the old date stays"
                    writeRun dir "r1" [ "dataset", "d"; "architecture", "a"; "method", "m" ] 1 "finished" [ "w1", 0.7 ] [] |> ignore
                    table ()
                    Expect.stringContains (File.ReadAllText summary) $" on {today} from 2 run directories" "a new run: rewritten, dated today")
            }

            test "a malformed evaluations.csv fails the command after the tables, naming file and line" {
                inTempDir (fun dir ->
                    let run = writeRun dir "r" [ "dataset", "d"; "architecture", "a"; "method", "m" ] 0 "finished" [ "w1", 0.5 ] []
                    File.WriteAllText(Path.Combine(run, RunFiles.Evaluations), $"{RunFiles.EvaluationsHeader}\n100,1.0,w1\n")
                    match Report.table dir "wgangp table" [] with
                    | Result.Ok _ -> failtest "accepted"
                    | Result.Error e ->
                        Expect.stringContains e "evaluations.csv:2:" "file and line"
                        Expect.isTrue (File.Exists(Path.Combine(dir, "summary.md"))) "tables written first")
            }
        ]
    ]
