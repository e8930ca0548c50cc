/// Reads run directories (written by the core's RunFiles) back into table rows.
module WganGp.Experiments.RunDirectory

open System
open System.IO
open System.Text.Json
open WganGp.Core.Training
open WganGp.Experiments.Tables

/// Reads a JSON file of a run directory with `read`; malformed JSON or a missing or mistyped field is an
/// InvalidDataException naming the file.
let private readJson (path: string) (read: JsonElement -> 'a) : 'a =
    try
        use doc = JsonDocument.Parse(File.ReadAllText path)
        read doc.RootElement
    with
    | :? JsonException | :? System.Collections.Generic.KeyNotFoundException | :? System.InvalidOperationException
    | :? System.FormatException as e ->
        raise (InvalidDataException($"{path}: not a readable run file ({e.Message}); fix or remove it", e))

/// The status a run directory records; Running when it has none yet (in progress, or killed before it could write
/// one). A status.json naming no status is an InvalidDataException naming the file and the word.
let status (dir: string) : RunStatus =
    let path = Path.Combine(dir, RunFiles.Status)
    if File.Exists path then
        readJson path (fun root ->
            let word = root.GetProperty("status").GetString()
            let parsed = RunStatusText.TryParse word
            if parsed.HasValue then parsed.Value
            else raise (InvalidDataException $"{path}: status '{word}' is not one of finished, diverged, failed, running; fix or remove it"))
    else RunStatus.Running

/// Finished and diverged runs are results; a failed or interrupted one is run again.
let isDone dir = Directory.Exists dir && (status dir).IsDone()

let private readScores (dir: string) =
    let path = Path.Combine(dir, RunFiles.Scores)
    if File.Exists path then
        readJson path (fun root -> root.EnumerateObject() |> Seq.map (fun p -> p.Name, p.Value.GetDouble()) |> Map.ofSeq)
    else Map.empty

/// protocol.json: score name → { field: value }; values that are not strings are kept as their JSON text. Empty when
/// the file is absent (a run without scorers that record one).
let readProtocols (dir: string) : Map<string, Map<string, string>> =
    let path = Path.Combine(dir, RunFiles.Protocol)
    if not (File.Exists path) then Map.empty
    else
        readJson path (fun root ->
            let fail what = raise (InvalidDataException $"{path}: {what}; expected an object of score name → object of string fields")
            if root.ValueKind <> JsonValueKind.Object then fail $"the top level is a {root.ValueKind}"
            [ for score in root.EnumerateObject() ->
                  if score.Value.ValueKind <> JsonValueKind.Object then fail $"score '{score.Name}' maps to a {score.Value.ValueKind}"
                  score.Name,
                  [ for field in score.Value.EnumerateObject() ->
                        field.Name,
                        (match field.Value.ValueKind with
                         | JsonValueKind.String -> field.Value.GetString() |> Option.ofObj |> Option.defaultValue ""
                         | _ -> field.Value.GetRawText()) ]
                  |> Map.ofList ]
            |> Map.ofList)

/// The cell a run directory records in settings.json's "cell", as runs did before cell.json described them: its
/// fields as text, and its seed.
let private legacyCell (dir: string) =
    readJson (Path.Combine(dir, RunFiles.Settings)) (fun root ->
        match root.TryGetProperty "cell" with
        | true, cell when cell.ValueKind = JsonValueKind.Object ->
            // Read out while the document is open: the lookup outlives it.
            let fields =
                [ for p in cell.EnumerateObject() ->
                      p.Name, (if p.Value.ValueKind = JsonValueKind.String then p.Value.GetString() |> Option.ofObj |> Option.defaultValue "-"
                               else p.Value.GetRawText()) ]
                |> Map.ofList
            let seed = match cell.TryGetProperty "seed" with | true, v when v.ValueKind = JsonValueKind.Number -> v.GetInt32() | _ -> 0
            Some((fun (name: string) -> fields |> Map.tryFind name |> Option.defaultValue "-"), seed)
        | _ -> None)

/// The cell a run directory describes: from its cell.json, or (runs that predate the names there) from settings.json.
/// The lookup gives a field's text ("-" when absent), and the seed.
let private cellOf (dir: string) : ((string -> string) * int) option =
    let recipe = if File.Exists(Path.Combine(dir, CellRecipe.fileName)) then Some(CellRecipe.read dir) else None
    match recipe with
    | Some ({ Names = Some names } as r) ->
        let text =
            function
            | "id" -> r.Id
            | "experiment" -> names.Experiment
            | "grid" -> names.Grid
            | "method" -> names.Method
            | "dataset" -> Dsl.Names.dataset r.Dataset
            | "architecture" -> Dsl.Names.architecture r.Architecture
            | "seed" -> string r.Seed
            | _ -> "-"
        Some(text, r.Seed)
    | _ -> legacyCell dir

/// The id of the cell a run directory belongs to: Ok None when it holds no settings.json yet (nothing ran there);
/// Error when what it holds cannot say (an unreadable file, no cell recorded).
let cellId (dir: string) : Result<string option, string> =
    if not (File.Exists(Path.Combine(dir, RunFiles.Settings))) then Ok None
    else
        try
            match cellOf dir with
            | Some (text, _) when text "id" <> "-" -> Ok(Some(text "id"))
            | _ -> Error $"{Path.Combine(dir, RunFiles.Settings)} records no cell id"
        with :? InvalidDataException as e -> Error e.Message

/// The row of one run directory, or None when it is not a run directory (no settings.json).
let tryRead (keyColumns: string list) (dir: string) : RunRow option =
    if not (File.Exists(Path.Combine(dir, RunFiles.Settings))) then None
    else
        let text, seed =
            match cellOf dir with
            | Some cell -> cell
            | None -> raise (InvalidDataException $"{Path.Combine(dir, RunFiles.Settings)}: not a readable run file (no cell.json names and no \"cell\"); fix or remove it")
        Some
            { Id = Path.GetFileName dir |> nonNull
              Keys = keyColumns |> List.map (fun k -> k, text k) |> Map.ofList
              Seed = seed
              Status = status dir
              Scores = readScores dir
              Protocols = readProtocols dir }

/// Every run directory directly under `root`, in name order.
let readAll (keyColumns: string list) (root: string) : RunRow list =
    if not (Directory.Exists root) then []
    else Directory.GetDirectories root |> Array.sort |> Array.choose (tryRead keyColumns) |> List.ofArray
