/// Aggregates finished runs into mean ± std tables (Deedle frame → Markdown / CSV).
module WganGp.Experiments.Tables

open System
open System.Globalization
open System.IO
open Deedle
open WganGp.Core.Training

/// One finished/failed run as read back from its run directory.
/// Keys: the grouping columns, e.g. ["dataset","8gaussians"; "architecture","mlp-512x3"; "method","wgan-gp"].
/// Status: only finished runs contribute scores; the others are counted.
/// Protocols: score name → what the score means (protocol.json: backbone, weights hash, N, reference, …); a score
/// without an entry is self-describing (the toy scores) and has the empty protocol.
type RunRow =
    { Id: string
      Keys: Map<string, string>
      Seed: int
      Status: RunStatus
      Scores: Map<string, float>
      Protocols: Map<string, Map<string, string>> }

/// One cell of a pivot: the score's mean and sample std over the finished runs with a finite value (NaN when none),
/// and how many runs the cell has, finished and diverged.
type PivotCell = { Mean: float; Std: float; Runs: int; Finished: int; Diverged: int }

// Columns of the per-run (long) frame; a union so a score can never collide with the status column.
type private LongColumn =
    | StatusColumn
    | ScoreColumn of string

/// The count columns of a summarize frame, in order, with the status each one counts (None: every run).
let private countColumns =
    [ "runs", None; "finished", Some RunStatus.Finished; "diverged", Some RunStatus.Diverged; "failed", Some RunStatus.Failed ]

// Deedle's Stats.stdDev uses the one-pass sum-of-squares formula: it returns NaN for a single run and noise
// (or a wrong value) when scores are close together, e.g. 6e-9 for [0.3; 0.3; 0.3]. Two passes are exact enough.
let private sampleStd (values: Series<int, float>) =
    match values.ValueCount with
    | 0 -> nan
    | 1 -> 0.0
    | n ->
        let deviations = values - Stats.mean values
        sqrt (Stats.sum (deviations * deviations) / float (n - 1))

/// The protocol a row recorded for a score (empty when it recorded none).
let protocolOf (score: string) (row: RunRow) = row.Protocols |> Map.tryFind score |> Option.defaultValue Map.empty

// The runs whose value of a score can reach a table: finished ones that recorded it.
let private recorded score (rows: RunRow list) =
    rows |> List.filter (fun r -> r.Status = RunStatus.Finished && r.Scores.ContainsKey score)

let private describeFields (fields: string list) (protocol: Map<string, string>) =
    let value f = protocol |> Map.tryFind f |> Option.defaultValue "(absent)"
    fields |> List.map (fun f -> $"{f} = {value f}") |> String.concat ", "

/// The single protocol of every score that finished runs recorded (score → fields), or an Error naming, for each score
/// whose finished runs disagree, the fields that differ and one run id under each of two differing protocols. Scores
/// measured under different protocols never share a column: e.g. FID on Inception features and FID on a classifier's.
let protocols (rows: RunRow list) : Result<Map<string, Map<string, string>>, string> =
    let scores = rows |> Seq.filter (fun r -> r.Status = RunStatus.Finished) |> Seq.collect (fun r -> r.Scores.Keys) |> Set.ofSeq
    let perScore =
        [ for score in scores ->
              let distinct = recorded score rows |> List.map (fun r -> r, protocolOf score r) |> List.distinctBy snd
              match distinct with
              | (_, p) :: [] -> Result.Ok(score, p)
              | (a, pa) :: (b, pb) :: _ ->
                  let keys m = m |> Map.toSeq |> Seq.map fst |> Set.ofSeq
                  let differing =
                      Set.union (keys pa) (keys pb) |> Set.filter (fun k -> Map.tryFind k pa <> Map.tryFind k pb) |> List.ofSeq
                  let differingList = String.Join(", ", differing)
                  Result.Error(
                      $"score '{score}' was measured under {distinct.Length} different protocols, so its numbers cannot share a column: "
                      + $"run '{a.Id}' has {describeFields differing pa}; run '{b.Id}' has {describeFields differing pb} "
                      + $"(differing fields: {differingList}). Rescore the runs under one protocol or keep them in separate results folders.")
              | [] -> Result.Ok(score, Map.empty) ]
    match perScore |> List.choose (function Result.Error e -> Some e | Result.Ok _ -> None) with
    | [] -> Result.Ok(perScore |> List.choose (function Result.Ok p -> Some p | Result.Error _ -> None) |> Map.ofList)
    | errors -> Result.Error(String.Join("\n", errors))

// Raised by the table builders, so no caller can put two protocols in one column by forgetting to check.
let private requireOneProtocol (rows: RunRow list) =
    match protocols rows with
    | Result.Ok p -> p
    | Result.Error e -> raise (InvalidDataException e)

/// Markdown list of the protocols (what `protocols` returns): scores with identical protocols share one line,
/// "- `fid`, `is`: backbone = …; reference = …"; self-describing scores (empty protocol) are listed as such.
let protocolsToMarkdown (protocols: Map<string, Map<string, string>>) : string =
    if protocols.IsEmpty then "- no finished run recorded a score\n" else
    protocols
    |> Map.toList
    |> List.groupBy snd
    |> List.map (fun (protocol, scores) ->
        let names = scores |> List.map (fun (s, _) -> $"`{s}`") |> String.concat ", "
        if protocol.IsEmpty then $"- {names}: no protocol recorded (self-describing scores)\n"
        else names + ": " + (protocol |> Map.toList |> List.map (fun (k, v) -> $"{k} = {v}") |> String.concat "; ") |> sprintf "- %s\n")
    |> String.concat ""

/// Groups rows by the given key columns (in that order; a row missing a key gets "-"), and for every score name that
/// appears in any row (alphabetically) computes the mean and the sample standard deviation (n-1; 0 when only one run)
/// over the finished runs of that group. One row per group (row keys 0..n-1), sorted by the key columns in turn, each
/// column's values ranked by first appearance in `rows`; columns: the key columns (string), "runs", "finished",
/// "diverged", "failed" (int), then "<score> mean", "<score> std" (float). Deedle stores NaN as a missing value, so a
/// score no finished run has reads back as missing (TryGet), not as NaN. Non-finite scores are left out.
/// Raises InvalidDataException (the message of `protocols`) when finished runs recorded a score under different protocols.
let summarize (keyColumns: string list) (rows: RunRow list) : Frame<int, string> =
    requireOneProtocol rows |> ignore
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
        | Some v when row.Status = RunStatus.Finished && Double.IsFinite v -> Some v
        | _ -> None
    let long: Frame<int, LongColumn> =
        Frame.ofColumns
            [ yield StatusColumn, (Series.ofValues (rows |> List.map _.Status) :> ISeries<int>)
              for name in scoreNames -> ScoreColumn name, (Series.ofOptionalObservations (rows |> List.mapi (fun i r -> i, score name r)) :> ISeries<int>) ]
    let byGroup = long |> Frame.nestBy (fun i -> runGroup.[i]) |> Series.sortByKey
    let perGroup (f: Frame<int, LongColumn> -> 'T) = byGroup |> Series.mapValues f :> ISeries<int>
    let count status (g: Frame<int, LongColumn>) =
        g.GetColumn<RunStatus>(StatusColumn).Values |> Seq.filter (fun s -> status |> Option.forall ((=) s)) |> Seq.length
    Frame.ofColumns
        [ for j, key in List.indexed keyColumns -> key, (byGroup |> Series.map (fun i _ -> groups.[i].[j]) :> ISeries<int>)
          for name, status in countColumns -> name, perGroup (count status)
          for name in scoreNames do
              yield $"{name} mean", perGroup (fun g -> Stats.mean (g.GetColumn<float>(ScoreColumn name)))
              yield $"{name} std", perGroup (fun g -> sampleStd (g.GetColumn<float>(ScoreColumn name))) ]

/// Adds a column to a summarize frame from a value (or none) per row key.
let addColumn (name: string) (value: int -> 'T option) (frame: Frame<int, string>) =
    frame.AddColumn(name, Series.ofOptionalObservations [ for r in frame.RowKeys -> r, value r ])

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

/// The finished runs of each row of a summarize frame (None when the frame has no "finished" column).
let private finishedOf (frame: Frame<int, string>) : (int -> int) option =
    if frame.ColumnKeys |> Seq.contains "finished" then Some(fun r -> frame.GetColumn<int>("finished").TryGet(r) |> OptionalValue.asOption |> Option.defaultValue 0)
    else None

/// Whether every row of a summarize frame has at most one finished run: its scores are single values, with no spread.
let singleSeed (frame: Frame<int, string>) =
    match finishedOf frame with
    | Some finished -> frame.RowKeys |> Seq.forall (fun r -> finished r <= 1)
    | None -> false

/// What the scores of a summarize frame's Markdown are, for the sentence above it: single values when every row has
/// one seed (n = 1), otherwise means ± sample std over each row's finished seeds.
let spreadNote (frame: Frame<int, string>) =
    if singleSeed frame then "n = 1: one finished seed per row, so each score is that run's value, with no spread."
    else "mean ± sample std over seeds (finished runs only; a row of one seed says n = 1)."

/// A mean with its spread: "mean ± std", or the value alone for one run (no spread), followed by "(n = 1)" when
/// `markSingle` (in a table whose other entries have several).
let private withSpread digits (markSingle: bool) (n: int) (mean: float) (std: float) =
    if n = 1 then formatMeanStd digits mean nan + (if markSingle && not (Double.IsNaN mean) then " (n = 1)" else "")
    else formatMeanStd digits mean std

/// Markdown table of a summarize frame: key columns as they are, counts as integers, each score as one column
/// "mean ± std" (see formatMeanStd), the value alone for a row of one finished run (with "(n = 1)" unless every row has
/// one: `spreadNote` then says so above the table), "–" when the mean is missing. Header and separator rows, one line
/// per group, each line ending in "\n"; pipes in cell text are escaped.
let toMarkdown (digits: int) (frame: Frame<int, string>) : string =
    let escape (s: string) = s.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ")
    let isPairedStd (c: string) = c.EndsWith " std" && scoreOf frame (c.[.. c.Length - 5] + " mean") |> Option.isSome
    let columns = frame.ColumnKeys |> Seq.filter (isPairedStd >> not) |> List.ofSeq
    let finished = finishedOf frame |> Option.defaultValue (fun _ -> 2)
    let single = singleSeed frame
    let cell row column =
        match scoreOf frame column with
        | Some score -> withSpread digits (not single) (finished row) (floatCell frame column row) (floatCell frame $"{score} std" row)
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

// The finite values of a score over the finished runs among `rows`.
let private finishedValues score (rows: RunRow list) =
    rows
    |> List.choose (fun r ->
        match r.Scores.TryFind score with
        | Some v when r.Status = RunStatus.Finished && Double.IsFinite v -> Some v
        | _ -> None)

let private meanStd (values: float list) =
    match values with
    | [] -> nan, nan
    | _ -> List.average values, sampleStd (Series.ofValues values)

let private keyOf (key: string) (row: RunRow) = row.Keys |> Map.tryFind key |> Option.defaultValue "-"

/// A pivot of one score: one row per value of `rowKey` (e.g. "architecture"), one column per value of `colKey` (e.g.
/// "method"), both in order of first appearance in `rows`; each cell a PivotCell over that combination's runs (seeds),
/// missing when the combination has no run. Give it the rows of one dataset. Raises InvalidDataException when the
/// finished runs recorded a score under different protocols (see `protocols`).
let pivot (score: string) (rowKey: string) (colKey: string) (rows: RunRow list) : Frame<string, string> =
    requireOneProtocol rows |> ignore
    let rowValues = rows |> List.map (keyOf rowKey) |> List.distinct
    let colValues = rows |> List.map (keyOf colKey) |> List.distinct
    let cell r c =
        match rows |> List.filter (fun x -> keyOf rowKey x = r && keyOf colKey x = c) with
        | [] -> None
        | runs ->
            let mean, std = meanStd (finishedValues score runs)
            Some
                { Mean = mean; Std = std; Runs = runs.Length
                  Finished = runs |> List.filter (fun x -> x.Status = RunStatus.Finished) |> List.length
                  Diverged = runs |> List.filter (fun x -> x.Status = RunStatus.Diverged) |> List.length }
    Frame.ofColumns
        [ for c in colValues -> c, Series.ofOptionalObservations [ for r in rowValues -> r, cell r c ] ]
    |> Frame.realignRows rowValues

/// A pivot cell as text: "mean ± std" (formatMeanStd) when some finished run has a value, the value alone for one
/// finished run (then "n = 1" among the notes when `markSingle`), followed by what did not finish, e.g.
/// "6.12 ± 0.08 (diverged 1/3)", "6.12 (n = 1, diverged 2/3)"; only the latter when nothing finished ("diverged 2/3",
/// "not finished 3/3"); "–" when the runs finished without a value.
let pivotCellText (digits: int) (markSingle: bool) (cell: PivotCell) : string =
    let other = cell.Runs - cell.Finished - cell.Diverged
    let single = cell.Finished = 1 && not (Double.IsNaN cell.Mean)
    let notes =
        [ if single && markSingle then "n = 1"
          if cell.Diverged > 0 then $"diverged {cell.Diverged}/{cell.Runs}"
          if other > 0 then $"not finished {other}/{cell.Runs}" ]
        |> String.concat ", "
    let value = formatMeanStd digits cell.Mean (if single then nan else cell.Std)
    match Double.IsNaN cell.Mean, notes with
    | false, "" -> value
    | false, notes -> $"{value} ({notes})"
    | true, "" -> "–"
    | true, notes -> notes

let private markdownLine (cells: string seq) =
    "| " + String.Join(" | ", cells |> Seq.map (fun (s: string) -> s.Replace("|", "\\|").Replace("\n", " "))) + " |\n"

/// Markdown of a pivot: `corner` names the row key (e.g. "architecture"), then one column per pivot column; a
/// missing combination is blank. When no cell has more than one finished run, the values stand alone and a line under
/// the table says n = 1; otherwise a cell of one finished run says n = 1 itself.
let pivotToMarkdown (digits: int) (corner: string) (frame: Frame<string, string>) : string =
    let columns = List.ofSeq frame.ColumnKeys
    let cellAt r c = frame.GetColumn<PivotCell>(c).TryGet(r) |> OptionalValue.asOption
    let cells = [ for r in frame.RowKeys do for c in columns do match cellAt r c with Some cell -> cell | None -> () ]
    let single = not cells.IsEmpty && cells |> List.forall (fun cell -> cell.Finished <= 1)
    let text r c =
        match cellAt r c with
        | Some cell -> pivotCellText digits (not single) cell
        | None -> ""
    String.concat "" [
        yield markdownLine (corner :: columns)
        yield "|---|" + String.Join("", columns |> List.map (fun _ -> "--:|")) + "\n"
        for r in frame.RowKeys -> markdownLine (r :: [ for c in columns -> text r c ])
        if single then yield "\nn = 1: one finished seed per cell, so each value is that run's, with no spread.\n" ]

/// Per (architecture, method) with a result (a finished or diverged run; running or failed runs are not a result yet):
/// the mean of the score over the finished runs' finite values, NaN when none finished (a diverged architecture
/// exceeds no threshold). Methods and architectures in order of first appearance.
let private architectureMeans (score: string) (rows: RunRow list) =
    let done' = rows |> List.filter (fun r -> r.Status = RunStatus.Finished || r.Status = RunStatus.Diverged)
    let methods = rows |> List.map (keyOf "method") |> List.distinct
    let means =
        done'
        |> List.groupBy (fun r -> keyOf "architecture" r, keyOf "method" r)
        |> List.map (fun (k, runs) -> k, finishedValues score runs |> meanStd |> fst)
        |> Map.ofList
    methods, means

/// Table 2 of the paper, per method: for each minimum score in `thresholds`, how many architectures have a mean score
/// (over their finished seeds) strictly above it. Rows keyed by threshold (in the given order), one int column per
/// method (first appearance); the rows' "architecture" and "method" keys group them. An architecture counts for a
/// method once it has a finished or diverged run with it; one with no finished run exceeds nothing.
let thresholdCounts (score: string) (thresholds: float list) (rows: RunRow list) : Frame<float, string> =
    requireOneProtocol rows |> ignore
    let methods, means = architectureMeans score rows
    Frame.ofColumns
        [ for m in methods ->
              m, Series.ofObservations [ for t in thresholds -> t, means |> Map.filter (fun (_, m') v -> m' = m && v > t) |> Map.count ] ]
    |> Frame.realignRows thresholds

/// How many architectures have a result for each method (the denominators of `thresholdCounts`).
let architecturesPerMethod (score: string) (rows: RunRow list) : Map<string, int> =
    let methods, means = architectureMeans score rows
    methods |> List.map (fun m -> m, means |> Map.filter (fun (_, m') _ -> m' = m) |> Map.count) |> Map.ofList

/// The paper's Tables 2 and 5 for two methods: over the architectures with a result for both (see thresholdCounts), how
/// many exceed each threshold with only the first, only the second, both, or neither. Rows keyed by threshold, int
/// columns "only <first>", "only <second>", "both", "neither" (they sum to the number of such architectures).
let thresholdOutcomes (score: string) (first: string) (second: string) (thresholds: float list) (rows: RunRow list) : Frame<float, string> =
    requireOneProtocol rows |> ignore
    let _, means = architectureMeans score rows
    let paired =
        means
        |> Map.toList
        |> List.choose (fun ((a, m), _) -> if m = first && means.ContainsKey(a, second) then Some(means.[a, first], means.[a, second]) else None)
    let count t predicate = paired |> List.filter (fun (x, y) -> predicate (x > t) (y > t)) |> List.length
    let column name predicate = name, Series.ofObservations [ for t in thresholds -> t, count t predicate ]
    Frame.ofColumns
        [ column $"only {first}" (fun a b -> a && not b)
          column $"only {second}" (fun a b -> b && not a)
          column "both" (fun a b -> a && b)
          column "neither" (fun a b -> not a && not b) ]
    |> Frame.realignRows thresholds

/// Markdown of a threshold frame (thresholdCounts or thresholdOutcomes): "min <score>" then its int columns; a
/// column header gets " (of n)" when `totals` has n for it.
let thresholdsToMarkdown (score: string) (totals: Map<string, int>) (frame: Frame<float, string>) : string =
    let columns = List.ofSeq frame.ColumnKeys
    let header c = match totals.TryFind c with Some n -> $"{c} (of {n})" | None -> c
    String.concat "" [
        yield markdownLine ($"min {score}" :: (columns |> List.map header))
        yield "|--:|" + String.Join("", columns |> List.map (fun _ -> "--:|")) + "\n"
        for t in frame.RowKeys ->
            markdownLine (t.ToString("0.0##", CultureInfo.InvariantCulture) :: [ for c in columns -> string (frame.GetColumn<int>(c).[t]) ]) ]
