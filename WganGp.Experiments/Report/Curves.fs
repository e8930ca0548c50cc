/// Training curves of an experiment as PNG (ScottPlot 5): each score against generator iterations and against
/// wall-clock seconds, one line per run (the paper's Figure 3), and the critic's negative loss (Figure 5a).
module WganGp.Experiments.Curves

open System
open System.Globalization
open System.IO
open ScottPlot
open WganGp.Core.Training
open WganGp.Experiments.Tables

/// One row of evaluations.csv: a score measured during training.
type Evaluation = { Iteration: int; Seconds: float; Score: string; Value: float }

/// One line of a curve plot.
type Curve = { Label: string; Xs: float[]; Ys: float[] }

/// The data lines of a CSV file with their 1-based line numbers, header checked. A last line without its newline is
/// dropped: the trainer writes each row whole with its "\n", so an unterminated tail is a row being written or cut
/// off by a kill, not data.
let private dataLines (path: string) (validHeader: string -> bool) (expected: string) : string * (int * string)[] =
    let lines = File.ReadAllText(path).Split('\n')
    // Split leaves the unterminated tail (or "" after a final "\n") as the last element.
    let complete = lines.[.. lines.Length - 2] |> Array.map (fun l -> l.TrimEnd '\r')
    if complete.Length = 0 then "", [||]
    elif not (validHeader complete.[0]) then
        raise (InvalidDataException $"{path}:1: header '{complete.[0]}', expected '{expected}'")
    else complete.[0], complete |> Array.mapi (fun i l -> i + 1, l) |> Array.skip 1 |> Array.filter (fun (_, l) -> l <> "")

let private parseFloat (path: string) (lineNo: int) (column: string) (field: string) =
    if field = "" then nan
    else
        match Double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture) with
        | true, v -> v
        | _ -> raise (InvalidDataException $"{path}:{lineNo}: {column} '{field}' is not a number")

let private parseInt (path: string) (lineNo: int) (column: string) (field: string) =
    match Int32.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture) with
    | true, v -> v
    | _ -> raise (InvalidDataException $"{path}:{lineNo}: {column} '{field}' is not an integer")

/// evaluations.csv (RunFiles.Evaluations): header RunFiles.EvaluationsHeader, then iteration,seconds,score,value rows;
/// an empty value, "NaN" or "Infinity" is a non-finite score. A malformed row raises InvalidDataException naming the
/// file and line.
let readEvaluations (path: string) : Evaluation list =
    let header = RunFiles.EvaluationsHeader
    [ for lineNo, line in snd (dataLines path ((=) header) header) do
          match line.Split ',' with
          | [| iteration; seconds; score; value |] when score <> "" ->
              { Iteration = parseInt path lineNo "iteration" iteration
                Seconds = parseFloat path lineNo "seconds" seconds
                Score = score
                Value = parseFloat path lineNo "value" value }
          | fields -> raise (InvalidDataException $"{path}:{lineNo}: '{line}' has {fields.Length} fields (or no score name); expected {header}") ]

/// log.csv (RunFiles.Log): (iteration, −critic_loss) per logged iteration, the quantity of the paper's Figure 5a.
/// Columns are found by name in the header, which must have "iteration" and "critic_loss"; an empty loss (NaN) is
/// kept as NaN. A malformed row raises InvalidDataException naming the file and line.
let readNegativeCriticLoss (path: string) : (int * float) list =
    let valid (header: string) =
        let names = header.Split ','
        Array.contains "iteration" names && Array.contains "critic_loss" names
    let header, rows = dataLines path valid RunFiles.LogHeader
    let names = header.Split ','
    let iteration, loss = Array.IndexOf(names, "iteration"), Array.IndexOf(names, "critic_loss")
    [ for lineNo, line in rows do
          let fields = line.Split ','
          if fields.Length <> names.Length then
              raise (InvalidDataException $"{path}:{lineNo}: '{line}' has {fields.Length} fields; the header has {names.Length}")
          parseInt path lineNo "iteration" fields.[iteration], -(parseFloat path lineNo "critic_loss" fields.[loss]) ]

/// Short legend labels, one per row: "architecture/method/s<seed>", preceded by the dataset when the rows have more
/// than one.
let labels (rows: RunRow list) : string list =
    let key k (r: RunRow) = r.Keys |> Map.tryFind k |> Option.defaultValue "-"
    let datasets = rows |> List.map (key "dataset") |> List.distinct
    [ for r in rows ->
          let core = String.Join("/", key "architecture" r, key "method" r, $"s{r.Seed}")
          if datasets.Length > 1 then key "dataset" r + "/" + core else core ]

/// Characters safe in a file name; others become '_'.
let fileSafe (name: string) =
    String(name.ToCharArray() |> Array.map (fun c -> if Char.IsLetterOrDigit c || c = '-' || c = '_' || c = '.' then c else '_'))

/// Line chart with the legend on the right; the height grows with the number of lines so the legend fits.
/// Non-finite points are skipped; a curve with no finite point still gets its legend entry.
let plot (path: string) (title: string) (xLabel: string) (yLabel: string) (curves: Curve list) : unit =
    use chart = new Plot()
    // Twenty distinguishable colours before they repeat (the default palette has ten).
    if curves.Length > 10 then chart.Add.Palette <- Palettes.Category20()
    for c in curves do
        let points = Array.zip c.Xs c.Ys |> Array.filter (fun (x, y) -> Double.IsFinite x && Double.IsFinite y)
        let line = chart.Add.ScatterLine(Array.map fst points, Array.map snd points)
        line.LegendText <- c.Label
        // A single evaluation is a point, not a line: show it.
        line.MarkerSize <- (if points.Length = 1 then 5.0f else 0.0f)
    chart.Title title
    chart.XLabel xLabel
    chart.YLabel yLabel
    chart.ShowLegend Edge.Right |> ignore
    match Path.GetDirectoryName(Path.GetFullPath path) with
    | null | "" -> ()
    | dir -> Directory.CreateDirectory dir |> ignore
    chart.SavePng(path, 900, max 500 (80 + 18 * curves.Length)) |> ignore

/// The evaluation curves of `rows` (labelled by `label`) for their scores but the companions (Tables.isCompanion):
/// `name score axis` is each figure's file name in `dir`, `title score` its title. Returns the paths written.
let writeEvaluationCurves (dir: string) (rows: (RunRow * string) list) (name: string -> string -> string) (title: string -> string) =
    let evaluations =
        [ for r, label in rows do
              let path = Path.Combine(dir, r.Id, RunFiles.Evaluations)
              if File.Exists path then label, readEvaluations path ]
    let all = evaluations |> List.collect (snd >> List.map _.Score) |> List.distinct |> List.sort
    let scores = all |> List.filter (not << isCompanion all)
    [ for score in scores do
          let curves (x: Evaluation -> float) =
              [ for label, es in evaluations do
                    let mine = es |> List.filter (fun e -> e.Score = score) |> Array.ofList
                    if mine.Length > 0 then { Label = label; Xs = mine |> Array.map x; Ys = mine |> Array.map _.Value } ]
          for suffix, xLabel, x in [ "iterations", "generator iterations", (fun e -> float e.Iteration)
                                     "seconds", "wall-clock seconds (training only)", (fun (e: Evaluation) -> e.Seconds) ] do
              let path = Path.Combine(dir, name score suffix)
              plot path (title score) xLabel score (curves x)
              yield path ]

/// From the run directories `dir/<row.Id>` of `rows`: for every score in any evaluations.csv but the companions,
/// curve-<score>-iterations.png and curve-<score>-seconds.png (one line per run), and critic-negative-loss.png from
/// the log.csv files. A figure is written only when some run has data for it. Returns the paths written. Raises
/// InvalidDataException on a malformed CSV row (file and line named).
let write (dir: string) (rows: RunRow list) : string list =
    let runs = List.zip rows (labels rows)
    let file (r: RunRow) name = Path.Combine(dir, r.Id, name)
    let written = ResizeArray<string>()
    written.AddRange(writeEvaluationCurves dir runs (fun score suffix -> $"curve-{fileSafe score}-{suffix}.png") (fun score -> $"{score} during training"))
    let losses =
        [ for r, label in runs do
              let path = file r RunFiles.Log
              if File.Exists path then
                  match readNegativeCriticLoss path with
                  | [] -> ()
                  | points -> { Label = label; Xs = points |> List.map (fst >> float) |> Array.ofList; Ys = points |> List.map snd |> Array.ofList } ]
    if not losses.IsEmpty then
        let path = Path.Combine(dir, "critic-negative-loss.png")
        plot path "Negative critic loss" "generator iterations" "−critic loss" losses
        written.Add path
    List.ofSeq written
