/// Aggregates finished runs into mean ± std tables (Deedle frame → Markdown / CSV).
module WganGp.Experiments.Tables

open System
open System.Globalization
open System.IO
open Deedle

/// One finished/failed run as read back from its run directory.
/// Keys: the grouping columns, e.g. ["dataset","8gaussians"; "architecture","mlp-512x3"; "method","wgan-gp"].
/// Status: "finished" | "diverged" | "failed" | "running" (only finished runs contribute scores; the others are counted).
type RunRow = { Id: string; Keys: Map<string, string>; Seed: int; Status: string; Scores: Map<string, float> }

// Columns of the per-run (long) frame; a union so a score can never collide with the status column.
type private LongColumn =
    | StatusColumn
    | ScoreColumn of string

/// The count columns of a summarize frame, in order, with the status each one counts (None: every run).
let private countColumns = [ "runs", None; "finished", Some "finished"; "diverged", Some "diverged"; "failed", Some "failed" ]

// Deedle's Stats.stdDev uses the one-pass sum-of-squares formula: it returns NaN for a single run and noise
// (or a wrong value) when scores are close together, e.g. 6e-9 for [0.3; 0.3; 0.3]. Two passes are exact enough.
let private sampleStd (values: Series<int, float>) =
    match values.ValueCount with
    | 0 -> nan
    | 1 -> 0.0
    | n ->
        let deviations = values - Stats.mean values
        sqrt (Stats.sum (deviations * deviations) / float (n - 1))

/// Groups rows by the given key columns (in that order; a row missing a key gets "-"), and for every score name that
/// appears in any row (alphabetically) computes the mean and the sample standard deviation (n-1; 0 when only one run)
/// over the finished runs of that group. One row per group (row keys 0..n-1), sorted by the key columns in turn, each
/// column's values ranked by first appearance in `rows`; columns: the key columns (string), "runs", "finished",
/// "diverged", "failed" (int), then "<score> mean", "<score> std" (float). Deedle stores NaN as a missing value, so a
/// score no finished run has reads back as missing (TryGet), not as NaN. Non-finite scores are left out.
let summarize (keyColumns: string list) (rows: RunRow list) : Frame<int, string> =
    let keysOf row = keyColumns |> List.map (fun k -> row.Keys |> Map.tryFind k |> Option.defaultValue "-")
    // Rank each column's values by first appearance, so groups come out in grid order rather than alphabetically.
    let rank =
        keyColumns
        |> List.mapi (fun j _ -> rows |> List.map (fun r -> (keysOf r).[j]) |> List.distinct |> List.mapi (fun i v -> v, i) |> dict)
    let groups = rows |> List.map keysOf |> List.distinct |> List.sortBy (List.mapi (fun j v -> rank.[j].[v])) |> Array.ofList
    let groupOf = groups |> Array.mapi (fun i g -> g, i) |> dict
    let runGroup = rows |> List.map (keysOf >> fun k -> groupOf.[k]) |> Array.ofList
    let scoreNames = rows |> Seq.collect (fun r -> r.Scores.Keys) |> Set.ofSeq |> List.ofSeq
    // One row per run; a score is present only for a finished run with a finite value, and Deedle's statistics skip
    // missing values, so the exclusions happen here once.
    let score name row =
        match row.Scores.TryFind name with
        | Some v when row.Status = "finished" && Double.IsFinite v -> Some v
        | _ -> None
    let long: Frame<int, LongColumn> =
        Frame.ofColumns
            [ yield StatusColumn, (Series.ofValues (rows |> List.map _.Status) :> ISeries<int>)
              for name in scoreNames -> ScoreColumn name, (Series.ofOptionalObservations (rows |> List.mapi (fun i r -> i, score name r)) :> ISeries<int>) ]
    let byGroup = long |> Frame.nestBy (fun i -> runGroup.[i]) |> Series.sortByKey
    let perGroup (f: Frame<int, LongColumn> -> 'T) = byGroup |> Series.mapValues f :> ISeries<int>
    let count status (g: Frame<int, LongColumn>) =
        g.GetColumn<string>(StatusColumn).Values |> Seq.filter (fun s -> status |> Option.forall ((=) s)) |> Seq.length
    Frame.ofColumns
        [ for j, key in List.indexed keyColumns -> key, (byGroup |> Series.map (fun i _ -> groups.[i].[j]) :> ISeries<int>)
          for name, status in countColumns -> name, perGroup (count status)
          for name in scoreNames do
              yield $"{name} mean", perGroup (fun g -> Stats.mean (g.GetColumn<float>(ScoreColumn name)))
              yield $"{name} std", perGroup (fun g -> sampleStd (g.GetColumn<float>(ScoreColumn name))) ]

/// The value at (row, column), None when missing (Deedle's representation of NaN).
let private tryCell (frame: Frame<int, string>) column row : obj option =
    frame.GetColumn<obj>(column).TryGet(row) |> OptionalValue.asOption

let private floatCell frame column row =
    match tryCell frame column row with
    | Some v -> Convert.ToDouble(v, CultureInfo.InvariantCulture)
    | None -> nan

/// "mean ± std" with `digits` significant digits of the mean and the std printed to the same decimal place,
/// e.g. digits=3: 0.01234, 0.00107 → "0.0123 ± 0.0011"; digits=3: 123.4, 5.6 → "123 ± 6".
let formatMeanStd (digits: int) (mean: float) (std: float) =
    if Double.IsNaN mean then
        "–"
    else
        let magnitude = [ mean; std ] |> List.map abs |> List.tryFind (fun v -> v > 0.0 && Double.IsFinite v)
        let leading = magnitude |> Option.map (log10 >> floor >> int) |> Option.defaultValue 0
        let decimals = Math.Clamp(max 1 digits - 1 - leading, 0, 15)
        let fmt (v: float) = v.ToString("F" + string decimals, CultureInfo.InvariantCulture)
        if Double.IsNaN std then fmt mean else $"{fmt mean} ± {fmt std}"

// "<score> mean" columns that have a "<score> std" partner become one "<score>" column in the Markdown table.
let private scoreOf (frame: Frame<int, string>) (column: string) =
    if column.EndsWith " mean" then
        let score = column.[.. column.Length - 6]
        if frame.ColumnKeys |> Seq.contains $"{score} std" then Some score else None
    else
        None

/// Markdown table of a summarize frame: key columns as they are, counts as integers, each score as one column
/// "mean ± std" (see formatMeanStd), "–" when the mean is missing. Header and separator rows, one line per group, each
/// line ending in "\n"; pipes in cell text are escaped.
let toMarkdown (digits: int) (frame: Frame<int, string>) : string =
    let escape (s: string) = s.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ")
    let isPairedStd (c: string) = c.EndsWith " std" && scoreOf frame (c.[.. c.Length - 5] + " mean") |> Option.isSome
    let columns = frame.ColumnKeys |> Seq.filter (isPairedStd >> not) |> List.ofSeq
    let cell row column =
        match scoreOf frame column with
        | Some score -> formatMeanStd digits (floatCell frame column row) (floatCell frame $"{score} std" row)
        | None ->
            match tryCell frame column row with
            | None -> "–"
            | Some(:? float as v) -> formatMeanStd digits v nan
            | Some v -> Convert.ToString(v, CultureInfo.InvariantCulture) |> string
    let numeric column = frame.ColumnTypes |> Seq.zip frame.ColumnKeys |> Seq.exists (fun (c, t) -> c = column && t <> typeof<string>)
    let line cells = "| " + String.Join(" | ", cells |> Seq.map escape) + " |\n"
    let header = columns |> List.map (fun c -> scoreOf frame c |> Option.defaultValue c)
    let separator = columns |> List.map (fun c -> if numeric c then "--:" else "---")
    String.Join("", [ yield line header; yield "|" + String.Join("|", separator) + "|\n"; for r in frame.RowKeys -> line (columns |> List.map (cell r)) ])

/// CSV of a summarize frame: header row, every column (mean and std separately), invariant culture, floats in
/// round-trip form with "NaN" for a missing value, fields containing commas, quotes or line breaks quoted.
let writeCsv (path: string) (frame: Frame<int, string>) : unit =
    let quote (s: string) =
        if s.IndexOfAny [| ','; '"'; '\r'; '\n' |] >= 0 then "\"" + s.Replace("\"", "\"\"") + "\"" else s
    let columns = List.ofSeq (Seq.zip frame.ColumnKeys frame.ColumnTypes)
    let cell row (column, columnType: Type) =
        match tryCell frame column row with
        | Some(:? float as v) -> v.ToString("R", CultureInfo.InvariantCulture)
        | Some v -> Convert.ToString(v, CultureInfo.InvariantCulture) |> string
        | None when columnType = typeof<float> -> "NaN"
        | None -> ""
    let lines = (columns |> List.map fst) :: [ for r in frame.RowKeys -> columns |> List.map (cell r) ]
    // "\n" rather than WriteAllLines' Environment.NewLine, so the file is byte-identical on every OS.
    File.WriteAllText(path, lines |> List.map (List.map quote >> String.concat ",") |> List.map (fun l -> l + "\n") |> String.concat "")
