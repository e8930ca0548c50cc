/// `wgangp migrate`: rewrites run directories written before cell.json described the whole cell (this project's
/// builds before the registries: settings.json held the cell and the method, cell.json was missing or held no method)
/// in the current layout, from the grid script that made them. Only cell.json, settings.json and log.csv's header
/// change (its column `wasserstein` is `critic_gap`); scores, logged values and samples are not touched, so every
/// published number stays as it was.
module WganGp.Experiments.Migration

open System.IO
open System.Text.Json.Nodes
open WganGp.Core.Training
open WganGp.Experiments.Dsl

/// settings.json entries that described the cell; the current layout keeps them in cell.json only.
let private cellEntries =
    [ "cell"; "method"; "data"; "iterations"; "batch_size"; "latent_dim"; "seed"; "sample_count"; "sample_batch_size" ]

/// log.csv's header before its third column was named for what it is for every method (the critic's gap mean D(x) −
/// mean D(x̃), a Wasserstein estimate only for Wasserstein critics).
let private oldLogHeader = RunFiles.LogHeader.Replace(",critic_gap,", ",wasserstein,")

let private logPath (dir: string) = Path.Combine(dir, RunFiles.Log)

let private hasOldLog (dir: string) =
    File.Exists(logPath dir) && (File.ReadLines(logPath dir) |> Seq.tryHead |> Option.exists (fun h -> h.StartsWith oldLogHeader))

/// Whether a run directory is in the current layout: its cell.json names the method, its settings.json does not, its
/// log.csv has the current header.
let private isCurrent (dir: string) =
    let settings = Path.Combine(dir, RunFiles.Settings)
    CellRecipe.isRunDirectory dir
    && (try CellRecipe.readNames dir |> ignore; true with :? InvalidDataException -> false)
    && (not (File.Exists settings) || (JsonNode.Parse(File.ReadAllText settings) |> nonNull)["method"] = null)
    && not (hasOldLog dir)

/// The item shape a cell's data has: the architecture's input, or for text (−1: the vocabulary) what the old cell.json
/// recorded.
let private itemShape (dir: string) (cell: Cell) =
    let declared = cell.Architecture.InputShape
    if Array.forall (fun d -> d > 0L) declared then declared
    else
        let old = Path.Combine(dir, CellRecipe.fileName)
        match (if File.Exists old then JsonNode.Parse(File.ReadAllText old) else null) with
        | null -> raise (InvalidDataException $"{dir}: the item shape of {cell.Architecture.Name} depends on the data, and no cell.json records it")
        | json -> (json["item_shape"] |> nonNull).GetValue<int64[]>()

/// Migrates every run directory directly under `experimentDir` that is in an older layout; each must be a cell of
/// `cells` (matched by id). Returns the lines to print.
let migrate (experimentDir: string) (cells: Cell list) : string list =
    if not (Directory.Exists experimentDir) then raise (DirectoryNotFoundException $"{experimentDir}: no such results folder")
    let byId = cells |> List.map (fun c -> Cells.id c, c) |> Map.ofList
    let dirs =
        Directory.GetDirectories experimentDir
        |> Array.filter (fun d -> File.Exists(Path.Combine(d, RunFiles.Settings)))
        |> Array.sort
    let pending = dirs |> Array.filter (isCurrent >> not)
    let unknown = pending |> Array.filter (fun d -> not (byId.ContainsKey(Path.GetFileName d |> nonNull)))
    if unknown.Length > 0 then
        let names = unknown |> Array.map (fun d -> Path.GetFileName d |> nonNull) |> String.concat ", "
        raise (InvalidDataException $"{experimentDir}: {unknown.Length} run directories are not cells of the script at this budget ({names}); pass the script and --scale/--paper that made them")
    for dir in pending do
        let cell = byId[Path.GetFileName dir |> nonNull]
        let spec = Cells.networkSpec cell.Architecture cell.Method cell.Init (itemShape dir cell)
        CellRecipe.write dir (CellRecipe.ofCell cell spec)
        let path = Path.Combine(dir, RunFiles.Settings)
        let settings = JsonNode.Parse(File.ReadAllText path) |> nonNull |> _.AsObject()
        for entry in cellEntries do settings.Remove entry |> ignore
        AtomicFile.WriteText(path, settings.ToJsonString(System.Text.Json.JsonSerializerOptions(WriteIndented = true)))
        if hasOldLog dir then
            let text = File.ReadAllText(logPath dir)
            AtomicFile.WriteText(logPath dir, RunFiles.LogHeader + text.Substring oldLogHeader.Length)
    [ $"{experimentDir}: {pending.Length} run directories migrated, {dirs.Length - pending.Length} already current" ]
