/// A reproduction checked: an experiment folder's run directories and figure data against a published folder of the
/// same experiment, bit for bit on what a run records as its result (its numbers as written, not within a tolerance:
/// on one CPU build, thread count and device a cell is a deterministic function of its settings). `wgangp run` prints
/// this at its end when results/<experiment> exists; `wgangp compare` prints it for any two folders.
///
/// Compared, per cell (a run directory, matched by its id, which hashes every setting):
/// - scores.json and protocol.json: every value;
/// - status.json: `status` and `iteration` (not `seconds`, nor `message`, which for a failure holds a trace);
/// - log.csv and evaluations.csv: every column but `seconds` (wall clock);
/// - samples.csv (every value), samples.txt (every line), samples.png (its bytes: an image run's only sample record).
/// Per figure made from the same settings (its <name>.json): its data files (figure1b.csv), every value.
/// Not compared: settings.json (it records the machine: threads, CPU, versions; when a cell differs, the entries that
/// can change its numbers are named beside it), cell.json (it holds data paths; the id already pins the settings),
/// images drawn from compared data (figure PNGs), checkpoints, TensorBoard files and periodic sample grids.
module WganGp.Experiments.Compare

open System
open System.IO
open System.Text.Json.Nodes
open WganGp.Core.Training

/// One value (or file) that is not the same: the file, where in it, and its text on each side.
type Difference = { File: string; Where: string; Here: string; Published: string }

/// How a file is compared.
type private Rule =
    /// Every leaf of the JSON, or only these top-level keys.
    | Json of keys: string list option
    /// A comma-separated table with a header, every column but these.
    | Table of ignored: string list
    | Lines
    | Bytes

/// The files of a cell that are compared, and how.
let private cellFiles =
    [ RunFiles.Scores, Json None
      RunFiles.Protocol, Json None
      RunFiles.Status, Json(Some [ "status"; "iteration" ])
      RunFiles.Log, Table [ "seconds" ]
      RunFiles.Evaluations, Table [ "seconds" ]
      RunFiles.Samples, Table []
      RunFiles.SampleText, Lines
      RunFiles.SampleGrid, Bytes ]

/// settings.json entries that describe the machine and can change a cell's numbers: named when a cell differs.
let private machineEntries = [ "device"; "threads"; "torchsharp"; "numerics.isa"; "numerics.conv_route.active"; "numerics.precision" ]

/// A cell with a published counterpart.
type CellComparison =
    { Id: string
      /// Every difference, in file order.
      Differences: Difference list
      /// Compared files this run wrote that the published cell lacks (an older version did not write them).
      OnlyHere: string list
      /// The machine entries of settings.json that differ, as "threads 4 here, 2 there".
      Machine: string list }

/// A figure made here from the settings of a published one.
type FigureComparison =
    | SameSettings of figure: string * files: (string * Difference list) list
    | OtherSettings of figure: string
    | NotPublished of figure: string

type Comparison =
    { Here: string
      Published: string
      Cells: CellComparison list
      /// Cells of this run without a published counterpart (another budget or setting gives another id).
      Unpublished: string list
      Figures: FigureComparison list }

/// A JSON file's leaves as path → JSON text; None when the file does not parse.
let private leaves (keys: string list option) (path: string) : Map<string, string> option =
    try
        let rec walk (prefix: string) (node: JsonNode | null) =
            match node with
            | :? JsonObject as o ->
                [ for KeyValue (k, v) in o do
                      if prefix <> "" || keys |> Option.forall (List.contains k) then
                          yield! walk (if prefix = "" then k else prefix + "." + k) v ]
            | :? JsonArray as a -> [ for i in 0 .. a.Count - 1 do yield! walk $"{prefix}[{i}]" a.[i] ]
            | null -> [ prefix, "null" ]
            | v -> [ prefix, v.ToJsonString() ]
        Some(walk "" (JsonNode.Parse(File.ReadAllText path)) |> Map.ofList)
    with :? Text.Json.JsonException -> None

let private compareJson (keys: string list option) (file: string) (here: string) (published: string) =
    match leaves keys here, leaves keys published with
    | Some h, Some p ->
        [ for key in Set.union (set h.Keys) (set p.Keys) do
              let text (m: Map<string, string>) = m |> Map.tryFind key |> Option.defaultValue "(absent)"
              if text h <> text p then { File = file; Where = key; Here = text h; Published = text p } ]
    | h, p ->
        let state = function Some _ -> "readable" | None -> "not readable JSON"
        [ { File = file; Where = "the file"; Here = state h; Published = state p } ]

let private splitRow (line: string) = line.Split ','

/// Rows compared field by field under the shared header; a row's place is named by its iteration and score when the
/// table has them (log.csv, evaluations.csv), else by its line.
let private compareTable (ignored: string list) (file: string) (here: string) (published: string) =
    let read path = File.ReadAllLines path |> Array.filter (fun l -> l <> "")
    let h, p = read here, read published
    if h.Length = 0 || p.Length = 0 then
        [ { File = file; Where = "the file"; Here = $"{h.Length} lines"; Published = $"{p.Length} lines" } ]
    else
        let hHeader, pHeader = splitRow h.[0], splitRow p.[0]
        let columns = hHeader |> Array.filter (fun c -> Array.contains c pHeader && not (List.contains c ignored))
        let headerDiffers = (hHeader |> Array.filter (fun c -> not (List.contains c ignored))) <> (pHeader |> Array.filter (fun c -> not (List.contains c ignored)))
        let index (header: string[]) c = Array.IndexOf(header, c)
        let keyColumns = [ "iteration"; "score" ] |> List.filter (fun c -> Array.contains c hHeader && Array.contains c pHeader)
        [ if headerDiffers then { File = file; Where = "the header"; Here = h.[0]; Published = p.[0] }
          if h.Length <> p.Length then { File = file; Where = "length"; Here = $"{h.Length - 1} rows"; Published = $"{p.Length - 1} rows" }
          for row in 1 .. min h.Length p.Length - 1 do
              let hRow, pRow = splitRow h.[row], splitRow p.[row]
              let field (header: string[]) (values: string[]) c =
                  let i = index header c
                  if i < values.Length then values.[i] else "(absent)"
              let place =
                  match keyColumns with
                  | [] -> $"line {row + 1}"
                  | keys -> keys |> List.map (fun k -> $"{k} {field pHeader pRow k}") |> String.concat ", "
              for c in columns do
                  let hv, pv = field hHeader hRow c, field pHeader pRow c
                  if hv <> pv then { File = file; Where = $"{place}, {c}"; Here = hv; Published = pv } ]

let private compareLines (file: string) (here: string) (published: string) =
    let h, p = File.ReadAllLines here, File.ReadAllLines published
    [ if h.Length <> p.Length then { File = file; Where = "length"; Here = $"{h.Length} lines"; Published = $"{p.Length} lines" }
      for i in 0 .. min h.Length p.Length - 1 do
          if h.[i] <> p.[i] then { File = file; Where = $"line {i + 1}"; Here = h.[i]; Published = p.[i] } ]

let private compareBytes (file: string) (here: string) (published: string) =
    let h, p = File.ReadAllBytes here, File.ReadAllBytes published
    if h.AsSpan().SequenceEqual(ReadOnlySpan p) then []
    else
        let sha (b: byte[]) = "SHA-256 " + Convert.ToHexString(Security.Cryptography.SHA256.HashData b).Substring(0, 12).ToLowerInvariant()
        [ { File = file; Where = "bytes"; Here = sha h; Published = sha p } ]

let private compareFile (rule: Rule) (file: string) (here: string) (published: string) =
    match rule with
    | Json keys -> compareJson keys file here published
    | Table ignored -> compareTable ignored file here published
    | Lines -> compareLines file here published
    | Bytes -> compareBytes file here published

/// The machine entries of two settings.json files that differ.
let private machineDifferences (here: string) (published: string) =
    match leaves None here, leaves None published with
    | Some h, Some p ->
        [ for key in machineEntries do
              match h.TryFind key, p.TryFind key with
              | Some a, Some b when a <> b -> $"{key} {a} here, {b} there"
              | _ -> () ]
    | _ -> []

/// One cell's run directory against its published counterpart.
let cell (here: string) (published: string) : CellComparison =
    let compared =
        [ for file, rule in cellFiles do
              let h, p = Path.Combine(here, file), Path.Combine(published, file)
              match File.Exists h, File.Exists p with
              | true, true -> Choice1Of3(compareFile rule file h p)
              | true, false -> Choice2Of3 file
              | false, true -> Choice1Of3 [ { File = file; Where = "the file"; Here = "absent"; Published = "present" } ]
              | false, false -> Choice3Of3() ]
    let differences = compared |> List.collect (function Choice1Of3 ds -> ds | _ -> [])
    { Id = Path.GetFileName(Path.TrimEndingDirectorySeparator here) |> nonNull
      Differences = differences
      OnlyHere = compared |> List.choose (function Choice2Of3 f -> Some f | _ -> None)
      Machine =
        if differences.IsEmpty then []
        else machineDifferences (Path.Combine(here, RunFiles.Settings)) (Path.Combine(published, RunFiles.Settings)) }

/// The settings a figure's <name>.json records (None when it is not there or not readable).
let private figureSettings (dir: string) (figure: string) =
    let path = Path.Combine(dir, $"{figure}.json")
    if not (File.Exists path) then None
    else
        try
            match JsonNode.Parse(File.ReadAllText path) with
            | null -> None
            | node -> Option.ofObj node.["settings"]
        with :? Text.Json.JsonException -> None

/// A figure made here (its <name>.json is here) against the published one; its data files compared value by value.
let figure (here: string) (published: string) (name: string, dataFiles: string list) : FigureComparison option =
    match figureSettings here name, figureSettings published name with
    | None, _ -> None
    | Some _, None -> Some(NotPublished name)
    | Some h, Some p when not (JsonNode.DeepEquals(h, p)) -> Some(OtherSettings name)
    | Some _, Some _ ->
        let files =
            [ for file in dataFiles do
                  let h, p = Path.Combine(here, file), Path.Combine(published, file)
                  match File.Exists h, File.Exists p with
                  | true, true -> file, compareFile (Table []) file h p
                  | hs, ps ->
                      let state = function true -> "present" | false -> "absent"
                      file, [ { File = file; Where = "the file"; Here = state hs; Published = state ps } ] ]
        Some(SameSettings(name, files))

/// The cells (by id) and figures (name, data files) of a run in `here` against the published folder.
let experiment (here: string) (published: string) (cellIds: string list) (figures: (string * string list) list) : Comparison =
    let counterpart id = Directory.Exists(Path.Combine(published, id))
    { Here = here
      Published = published
      Cells = [ for id in cellIds do if counterpart id then cell (Path.Combine(here, id)) (Path.Combine(published, id)) ]
      Unpublished = cellIds |> List.filter (counterpart >> not)
      Figures = figures |> List.choose (figure here published) }

/// The run directories directly under a folder (those with a cell.json), by id.
let runDirectories (dir: string) =
    if not (Directory.Exists dir) then []
    else
        Directory.GetDirectories dir
        |> Array.filter CellRecipe.isRunDirectory
        |> Array.map (fun d -> Path.GetFileName d |> nonNull)
        |> Array.sort
        |> List.ofArray

/// Whether some cell was compared and every compared cell and figure file is identical.
let identical (c: Comparison) =
    not c.Cells.IsEmpty
    && c.Cells |> List.forall (fun cell -> cell.Differences.IsEmpty)
    && c.Figures |> List.forall (function SameSettings (_, files) -> files |> List.forall (snd >> List.isEmpty) | _ -> true)

let private count (noun: string) (n: int) = if n = 1 then $"1 {noun}" else $"{n} {noun}s"
let private nCells = count "cell"
let private nDifferences = count "difference"

/// Differences listed per cell and per figure file before the rest are counted.
let private shown = 4

/// The largest |here − published| / |published| over the differences whose both values are numbers (None: none is):
/// says at a glance whether a cell differs in its last digits (another thread count's summation order) or in substance.
let largestRelative (ds: Difference list) =
    let number (text: string) =
        match Double.TryParse(text, Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture) with
        | true, v when Double.IsFinite v -> Some v
        | _ -> None
    ds
    |> List.choose (fun d ->
        match number d.Here, number d.Published with
        | Some h, Some p when h <> p -> Some(abs (h - p) / max (abs p) Double.Epsilon)
        | _ -> None)
    |> function
        | [] -> None
        | relative -> Some(List.max relative)

let private sizeOf (ds: Difference list) =
    match largestRelative ds with
    | Some r -> [ $"largest relative difference {r:G2}" ]
    | None -> []

let private differenceLine (published: string) (d: Difference) =
    $"{d.File}, {d.Where}: {d.Here} here, {d.Published} in {published}"

/// The report: what was compared, the count of identical cells, and for each cell or figure file that differs its first
/// differences with both values.
let lines (c: Comparison) : string list =
    let p = c.Published
    let differing = c.Cells |> List.filter (fun cell -> not cell.Differences.IsEmpty)
    let more (ds: Difference list) =
        if ds.Length <= shown then []
        else
            let counts =
                ds |> List.skip shown |> List.countBy _.File |> List.map (fun (f, n) -> $"{n} in {f}") |> String.concat ", "
            [ $"      … and {ds.Length - shown} more ({counts})" ]
    [ $"Compared with {p} (scores.json, protocol.json, status, samples; log.csv and evaluations.csv without their seconds column; figure data):"
      match c.Cells with
      | [] when c.Unpublished.IsEmpty -> ()
      | [] -> $"  none of the {nCells c.Unpublished.Length} of this run is in {p} (another budget or setting gives another id): nothing compared"
      | cells when differing.IsEmpty -> $"  {cells.Length} of {nCells cells.Length} identical to {p}"
      | cells ->
          let verb = if differing.Length = 1 then "differs" else "differ"
          $"  {cells.Length - differing.Length} of {nCells cells.Length} identical to {p}; {differing.Length} {verb}:"
      for cell in differing do
          let notes = sizeOf cell.Differences @ [ if not cell.Machine.IsEmpty then "machine: " + String.Join("; ", cell.Machine) ]
          let noted = if notes.IsEmpty then "" else " (" + String.Join("; ", notes) + ")"
          $"    {cell.Id}{noted}:"
          for d in List.truncate shown cell.Differences do "      " + differenceLine p d
          yield! more cell.Differences
      if not c.Cells.IsEmpty && not c.Unpublished.IsEmpty then
          $"  {nCells c.Unpublished.Length} of this run not in {p} (another budget or setting gives another id): not compared"
      let onlyHere = c.Cells |> List.collect _.OnlyHere |> List.countBy id
      for file, n in onlyHere do
          $"  {file}: written here, not in {p} ({nCells n}): not compared"
      for f in c.Figures do
          match f with
          | NotPublished name -> $"  {name}: not in {p}"
          | OtherSettings name -> $"  {name}: made from other settings than {p}/{name}.json: not compared"
          | SameSettings (name, files) ->
              for file, ds in files do
                  if ds.IsEmpty then $"  {name}: {file} identical to {p}"
                  else
                      let size = sizeOf ds |> List.map (fun s -> "; " + s) |> String.concat ""
                      $"  {name}: {file} differs from {p} ({nDifferences ds.Length}{size}):"
                      for d in List.truncate shown ds do "      " + differenceLine p d
                      yield! more ds ]
