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

/// The names of the cell a run directory describes in its cell.json; an unreadable one is an InvalidDataException
/// naming the file.
let private namesOf (dir: string) = CellRecipe.readNames dir

/// The id of the cell a run directory belongs to: Ok None when it holds no cell.json yet (nothing ran there); Error
/// when what it holds cannot say (an unreadable file).
let cellId (dir: string) : Result<string option, string> =
    if not (CellRecipe.isRunDirectory dir) then Ok None
    else
        try Ok(Some (namesOf dir).Id)
        with :? InvalidDataException as e -> Error e.Message

/// The row of one run directory, or None when it is not a run directory (no cell.json).
let tryRead (keyColumns: string list) (dir: string) : RunRow option =
    if not (CellRecipe.isRunDirectory dir) then None
    else
        let names = namesOf dir
        let text =
            function
            | "id" -> names.Id
            | "experiment" -> names.Experiment
            | "grid" -> names.Grid
            | "method" -> names.Method
            | "dataset" -> names.Dataset
            | "architecture" -> names.Architecture
            | "seed" -> string names.Seed
            | _ -> "-"
        Some
            { Id = Path.GetFileName dir |> nonNull
              Keys = keyColumns |> List.map (fun k -> k, text k) |> Map.ofList
              Seed = names.Seed
              Status = status dir
              Scores = readScores dir
              Protocols = readProtocols dir }

/// Every run directory directly under `root`, in name order.
let readAll (keyColumns: string list) (root: string) : RunRow list =
    if not (Directory.Exists root) then []
    else Directory.GetDirectories root |> Array.sort |> Array.choose (tryRead keyColumns) |> List.ofArray
