/// Training curves of an experiment as figures (Plots.figure): each score against generator iterations and against
/// training seconds as small multiples (a panel per architecture, a line per run), Figure 3 (a line per method: the mean
/// over its seeds with the band they span), and the critics' losses, each kind of loss in its own figure (Figure 5a).
/// A method has one colour in every figure (methodColour).
module WganGp.Experiments.Curves

open System
open System.Globalization
open System.IO
open System.Text.Json
open ScottPlot
open WganGp.Core.Training
open WganGp.Experiments.Plots
open WganGp.Experiments.Tables

/// One row of evaluations.csv: a score measured during training.
type Evaluation = { Iteration: int; Seconds: float; Score: string; Value: float }

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

/// Characters safe in a file name; others become '_'.
let fileSafe (name: string) =
    String(name.ToCharArray() |> Array.map (fun c -> if Char.IsLetterOrDigit c || c = '-' || c = '_' || c = '.' then c else '_'))

// The methods this project names, each with its own colour (Tableau's ten, then two more), so a method looks the same
// in every figure whatever else is drawn beside it.
let private knownColours =
    [ "wgan-gp", "#1f77b4"; "wgan-clip", "#ff7f0e"; "dcgan", "#2ca02c"; "lsgan", "#d62728"
      "wgan-gp-rmsprop", "#9467bd"; "wgan-gp-adam", "#17becf"; "gan", "#8c564b"; "wgan-gp-lambda10", "#e377c2"
      "wgan-gp-appendix-e", "#bcbd22"; "wgan-gp-resnet", "#7f7f7f"; "ac-wgan-gp", "#393b79"; "wgan-gp-one-sided", "#843c39" ]
    |> Map.ofList

// Other names: a colour from a second palette picked by a hash of the name (FNV-1a over its UTF-8 bytes: the same on
// every run and machine, unlike String.GetHashCode).
let private otherColours =
    [| "#aec7e8"; "#ffbb78"; "#98df8a"; "#ff9896"; "#c5b0d5"; "#c49c94"; "#f7b6d2"; "#c7c7c7"; "#dbdb8d"; "#9edae5"
       "#637939"; "#8c6d31"; "#7b4173"; "#5254a3"; "#6b6ecf"; "#e7969c" |]

let private fnv1a (text: string) =
    Text.Encoding.UTF8.GetBytes text |> Array.fold (fun (h: uint32) b -> (h ^^^ uint32 b) * 16777619u) 2166136261u

/// A method's colour, the same in every figure: fixed for the methods this project names, otherwise chosen by the name
/// alone (never by which other methods a figure holds).
let methodColour (methodName: string) : Color =
    match knownColours.TryFind methodName with
    | Some hex -> Color.FromHex hex
    | None -> Color.FromHex otherColours.[int (fnv1a methodName % uint32 otherColours.Length)]

/// Three significant figures, invariant culture.
let private number (v: float) = v.ToString("G3", CultureInfo.InvariantCulture)

/// The colour of reference lines for real data.
let realColour = Color.FromHex "#444444"

/// Fréchet-type scores (FID, KID and the classifier's cls_fid, cls_kid) span orders of magnitude: drawn on a log scale.
let isLogScale (score: string) = score.Contains "fid" || score.Contains "kid"

/// An axis training curves are drawn against: its file suffix, its name, its label and an evaluation's coordinate.
type Axis = { Suffix: string; Name: string; Label: string; At: Evaluation -> float }

/// Generator iterations and training seconds.
let axes : Axis list =
    [ { Suffix = "iterations"; Name = "generator iterations"; Label = "generator iterations"; At = fun e -> float e.Iteration }
      { Suffix = "seconds"; Name = "training seconds"; Label = "training seconds"; At = fun e -> e.Seconds } ]

/// What training seconds are, for a figure's notes.
let secondsNote = "Training seconds: the trainer's wall clock as evaluations.csv records it, evaluations, sample grids and checkpoints excluded."


/// A run's seconds per generator iteration among the rates measured alone (Dsl.SecondsAlone); NaN (undefined) when
/// it has none.
let rateOf (rates: (string * float) list) (methodName: string) =
    rates |> List.tryFind (fun (m, _) -> m = methodName) |> Option.map snd |> Option.defaultValue nan

/// Where seconds at rates measured alone come from, with the rates, for a figure's notes and summary.md.
let ratesNote (rates: (string * float) list) =
    let each = String.Join(", ", rates |> List.map (fun (m, s) -> $"""{m} {s.ToString("0.####", CultureInfo.InvariantCulture)} s"""))
    "Seconds at the rates measured alone: generator iterations times the run's seconds per generator iteration, measured "
    + $"with nothing else on the machine and written in the grid script ({each}); the cells' own clocks are not used, "
    + "as they shared the machine with other work."

let private key k (r: RunRow) = r.Keys |> Map.tryFind k |> Option.defaultValue "-"

/// A run with what its curves need: its row and its evaluations.csv (empty when it has none).
type RunCurves = { Row: RunRow; Evaluations: Evaluation list }

/// The runs' evaluations from their run directories `dir/<id>`.
let readRuns (dir: string) (rows: RunRow list) : RunCurves list =
    [ for r in rows ->
          let path = Path.Combine(dir, r.Id, RunFiles.Evaluations)
          { Row = r; Evaluations = if File.Exists path then readEvaluations path else [] } ]

/// The scores drawn for these runs: every score of their evaluations but the companions (Scoring.isCompanion).
let drawnScores (runs: RunCurves list) =
    let all = runs |> List.collect (fun r -> r.Evaluations |> List.map _.Score) |> List.distinct |> List.sort
    all |> List.filter (not << Scoring.isCompanion)

/// The panel a run belongs to in small multiples: its architecture, after its dataset when the runs span several.
let panelOf (runs: RunRow list) =
    let datasets = runs |> List.map (key "dataset") |> List.distinct
    fun (r: RunRow) -> if datasets.Length > 1 then $"""{key "dataset" r} / {key "architecture" r}""" else key "architecture" r

/// The mean of the score's real-data ceiling (as its scorer declares it) over the runs' last evaluations of it (the
/// level their curves are measured against), with the ceiling's name; None when none has one.
let realLevel (score: string) (runs: RunCurves list) =
    Scoring.ceilingOf score
    |> Option.bind (fun ceiling ->
        let values =
            runs |> List.choose (fun r -> r.Evaluations |> List.filter (fun e -> e.Score = ceiling && Double.IsFinite e.Value) |> List.tryLast)
        if values.IsEmpty then None else Some(ceiling, values |> List.averageBy _.Value))

let private methodsOf (rows: RunRow list) = rows |> List.map (key "method") |> List.distinct

let private methodKey (methods: string list) = [ for m in methods -> { Label = m; Colour = methodColour m; Style = Solid } ]

let private columnsFor (panels: int) = if panels <= 2 then panels elif panels <= 4 then 2 elif panels <= 6 then 3 else 4

/// The curves of one score against one axis for every run, as small multiples: a panel per architecture (per dataset
/// and architecture when the runs span several datasets) in order of first appearance, each with its own x range; a
/// line per run in its method's colour; one key of the methods for the whole figure. The real-data level is given in
/// the notes, not drawn: far below the curves, it would squash them (Figure 3 draws it).
let smallMultiples (score: string) (axis: string) (runs: RunCurves list) : Figure =
    let axis = axes |> List.find (fun a -> a.Suffix = axis)
    let rows = runs |> List.map _.Row
    let panelName = panelOf rows
    let withScore = runs |> List.filter (fun r -> r.Evaluations |> List.exists (fun e -> e.Score = score))
    let panelNames = withScore |> List.map (_.Row >> panelName) |> List.distinct
    let panels =
        [ for name in panelNames ->
              let mine = withScore |> List.filter (fun r -> panelName r.Row = name)
              { Title = name; XLabel = axis.Label; YLabel = score; LogY = isLogScale score; LogX = false
                Lines =
                  [ for r in mine ->
                        let es = r.Evaluations |> List.filter (fun e -> e.Score = score) |> Array.ofList
                        { Label = $"""{key "method" r.Row} s{r.Row.Seed}"""; Colour = methodColour (key "method" r.Row)
                          Xs = es |> Array.map axis.At; Ys = es |> Array.map _.Value; Band = None } ]
                Rules = [] } ]
    let seeds = withScore |> List.countBy (fun r -> panelName r.Row, key "method" r.Row) |> List.map snd |> List.fold max 0
    { Title = $"{score} during training against {axis.Name}: a panel per architecture"
      Notes =
        [ (if seeds > 1 then "A line per run; the seeds of a method share its colour." else "A line per run (one seed per method).")
          + " Each panel has its own x range."
          match realLevel score withScore with
          | Some(ceiling, level) -> $"Real data ({ceiling}: held-out real images scored as the samples are) is at {number level}, averaged over the runs."
          | None -> ()
          if axis.Suffix = "seconds" then secondsNote ]
      Key = methodKey (methodsOf (withScore |> List.map _.Row))
      Columns = columnsFor panels.Length
      PanelSize = smallPanel
      Panels = panels }

/// One method's seeds on one axis: at each evaluated iteration, the mean over the seeds that have it and the lowest and
/// highest of them (x: the iteration, or the mean of the seeds' training seconds there).
let meanOverSeeds (score: string) (x: Evaluation -> float) (seeds: Evaluation list list) =
    let points = seeds |> List.map (List.filter (fun e -> e.Score = score && Double.IsFinite e.Value))
    let iterations = points |> List.concat |> List.map _.Iteration |> List.distinct |> List.sort
    [ for it in iterations ->
          let here = points |> List.choose (List.tryFind (fun e -> e.Iteration = it))
          let values = here |> List.map _.Value
          here |> List.averageBy x, List.average values, List.min values, List.max values ]

/// Figure 3: two panels, against generator iterations and against training seconds; a line per method, the mean over
/// its seeds with the min–max band they span; the real-data level and the given rules (a claim's level or threshold).
/// `rates`: seconds per generator iteration measured alone, per method (Dsl.SecondsAlone); when given, the seconds panel
/// is drawn at those rates, stated in the notes, instead of the cells' own clocks.
let figure3 (title: string) (score: string) (rates: (string * float) list) (runs: RunCurves list) (rules: Rule list) : Figure =
    let methods = methodsOf (runs |> List.map _.Row)
    let seedsOf m = runs |> List.filter (fun r -> key "method" r.Row = m) |> List.map _.Evaluations
    let counts = [ for m in methods -> (seedsOf m).Length ]
    let banded = List.exists (fun n -> n > 1) counts
    let real = realLevel score runs |> Option.map (fun (ceiling, level) -> { Label = $"real data: {ceiling} {number level}"; Colour = realColour; Y = level })
    let allRules = Option.toList real @ rules
    // A method's x on an axis; at the rates, its iterations times its own rate.
    let panel (name: string, label: string, x: string -> Evaluation -> float) =
        { Title = $"{score} against {name}"; XLabel = label; YLabel = score
          LogY = isLogScale score; LogX = false
          Lines =
            [ for m in methods do
                  let mean = meanOverSeeds score (x m) (seedsOf m) |> Array.ofList
                  if mean.Length > 0 then
                      let xs = mean |> Array.map (fun (a, _, _, _) -> a)
                      { Label = m; Colour = methodColour m; Xs = xs; Ys = mean |> Array.map (fun (_, y, _, _) -> y)
                        Band = if (seedsOf m).Length > 1 then Some(mean |> Array.map (fun (_, _, lo, _) -> lo), mean |> Array.map (fun (_, _, _, hi) -> hi)) else None } ]
          Rules = allRules }
    let seedText = match List.distinct counts with [ 1 ] -> "one seed" | [ n ] -> $"the mean of {n} seeds" | _ -> "the mean of its seeds"
    { Title = title
      Notes =
        [ $"A line per method: {seedText}" + (if banded then "; the band spans the lowest to the highest seed (min–max) at each evaluation." else ".")
          if rates.IsEmpty then secondsNote + (if banded then " A point sits at the mean of the seeds' seconds at that evaluation." else "")
          else ratesNote rates ]
      Key =
        [ for m, n in List.zip methods counts -> { Label = (if n > 1 then $"{m} (mean of {n})" else m); Colour = methodColour m; Style = Solid } ]
        @ (if banded then [ { Label = "min–max over seeds"; Colour = Color.FromHex "#888888"; Style = Band } ] else [])
        @ [ for r in allRules -> { Label = r.Label; Colour = r.Colour; Style = Dashed } ]
      Columns = 2
      PanelSize = largePanel
      Panels =
        [ for a in axes ->
              if a.Suffix = "seconds" && not rates.IsEmpty then
                  panel ("seconds at the rates measured alone", "seconds (iterations × rate measured alone)", fun m e -> float e.Iteration * rateOf rates m)
              else panel (a.Name, a.Label, fun _ -> a.At) ] }

/// The kind of a run's critic loss as its cell.json records it (method.critic_loss: "wasserstein", "bce-logits",
/// "least-squares", ...).
let lossKind (runDirectory: string) = (CellRecipe.readNames runDirectory).CriticLoss

/// What a figure of one kind of critic loss shows: its title, y label, note, and whether the loss is drawn negated.
let private lossFigureText (kind: string) =
    match kind with
    | "wasserstein" ->
        "Negative critic loss of the Wasserstein critics (the paper's Figure 5a)", "−critic loss", true,
        "−critic_loss from log.csv: the critic's estimate of the Wasserstein distance, less the gradient penalty where there is one."
    | "bce-logits" -> "Critic loss of the standard GAN (binary cross-entropy)", "critic loss", false, "critic_loss from log.csv."
    | "least-squares" -> "Critic loss of the least-squares GAN", "critic loss", false, "critic_loss from log.csv."
    | other -> $"Critic loss ({other})", "critic loss", false, "critic_loss from log.csv."

/// The critics' losses, a figure per kind of loss (a Wasserstein estimate is never drawn beside a cross-entropy): a
/// panel per architecture, a line per run in its method's colour. `losses`: each run's kind and (iteration, critic_loss).
let lossFigures (losses: (RunRow * string * (int * float) list) list) : (string * Figure) list =
    let rows = losses |> List.map (fun (r, _, _) -> r)
    let panelName = panelOf rows
    [ for kind in losses |> List.map (fun (_, k, _) -> k) |> List.distinct do
          let mine = losses |> List.filter (fun (_, k, points) -> k = kind && not points.IsEmpty)
          if not mine.IsEmpty then
              let title, yLabel, negate, note = lossFigureText kind
              let names = mine |> List.map (fun (r, _, _) -> panelName r) |> List.distinct
              let panels =
                  [ for name in names ->
                        { Title = name; XLabel = "generator iterations"; YLabel = yLabel; LogY = false; LogX = false; Rules = []
                          Lines =
                            [ for r, _, points in mine do
                                  if panelName r = name then
                                      { Label = $"""{key "method" r} s{r.Seed}"""; Colour = methodColour (key "method" r)
                                        Xs = points |> List.map (fst >> float) |> Array.ofList
                                        Ys = points |> List.map (fun (_, l) -> if negate then -l else l) |> Array.ofList; Band = None } ] } ]
              kind,
              { Title = title
                Notes = [ note + " A panel per architecture, each with its own x range; other kinds of loss are in their own figures." ]
                Key = methodKey (methodsOf (mine |> List.map (fun (r, _, _) -> r)))
                Columns = columnsFor panels.Length
                PanelSize = smallPanel
                Panels = panels } ]

/// From the run directories `dir/<row.Id>` of `rows`: for every score in any evaluations.csv but the companions,
/// curve-<score>-iterations.png and curve-<score>-seconds.png (small multiples, see smallMultiples), and a
/// critic-loss-<kind>.png per kind of critic loss from the log.csv files (lossFigures). A figure is written only when
/// some run has data for it. Returns the paths written. Raises InvalidDataException on a malformed CSV row (file and
/// line named).
let write (dir: string) (rows: RunRow list) : string list =
    let runs = readRuns dir rows
    let curves =
        [ for score in drawnScores runs do
              for axis in axes do
                  let path = Path.Combine(dir, $"curve-{fileSafe score}-{axis.Suffix}.png")
                  Plots.figure path (smallMultiples score axis.Suffix runs)
                  yield path ]
    let losses =
        [ for r in rows do
              let run = Path.Combine(dir, r.Id)
              let path = Path.Combine(run, RunFiles.Log)
              if File.Exists path then
                  match readNegativeCriticLoss path with
                  | [] -> ()
                  // The reader negates (Figure 5a's quantity); the loss figures decide per kind.
                  | points -> r, lossKind run, points |> List.map (fun (i, l) -> i, -l) ]
    let lossFiles =
        [ for kind, figure in lossFigures losses do
              let path = Path.Combine(dir, $"critic-loss-{fileSafe kind}.png")
              Plots.figure path figure
              yield path ]
    curves @ lossFiles
