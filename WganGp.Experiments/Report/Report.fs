/// The report of an experiment folder, made from its run directories alone (no training): summary.csv/.md with each
/// score's protocol, the published numbers where they join and the pre-registered verdicts; pivots and threshold
/// tables; training curves, Figure 3 at the grid's scale and the Figure 2 sample composite.
module WganGp.Experiments.Report

open System
open System.IO
open WganGp.Core.Training
open WganGp.Experiments.Dsl

/// Columns that group the summary table: one row per dataset × architecture × method, mean ± std over seeds.
let keyColumns = [ "dataset"; "architecture"; "method" ]

/// Figure 2's layout for one dataset's runs when they span several architectures and methods: samples-<dataset>.png, a
/// row per architecture and a column per method, each cell the run's samples.png (the first seed's).
let private sampleMatrix (dir: string) (dataset: string) (runs: Tables.RunRow list) =
    let key k (r: Tables.RunRow) = r.Keys |> Map.tryFind k |> Option.defaultValue "-"
    let architectures = runs |> List.map (key "architecture") |> List.distinct
    let methods = runs |> List.map (key "method") |> List.distinct
    let images = runs |> List.exists (fun r -> File.Exists(Path.Combine(dir, r.Id, RunFiles.SampleGrid)))
    if architectures.Length > 1 && methods.Length > 1 && images then
        let cell a m =
            runs |> List.filter (fun r -> key "architecture" r = a && key "method" r = m) |> List.sortBy _.Seed
            |> List.tryHead |> Option.map (fun r -> Path.Combine(dir, r.Id, RunFiles.SampleGrid)) |> Option.toObj
        WganGp.Core.Data.Images.ImageMatrix.SavePng(
            Path.Combine(dir, $"samples-{Curves.fileSafe dataset}.png"), $"{dataset}: samples at the end of training (a row per architecture, a column per method)",
            architectures, methods, [| for a in architectures -> [| for m in methods -> cell a m |] :> Collections.Generic.IReadOnlyList<_> |])

/// Whether the summary at `path` is `summary` of the date it records: a rerun that would change nothing but the date
/// leaves it alone, so regenerating published results from the command beside them leaves the work tree clean.
let private sameButDate (path: string) (summary: string -> string) =
    File.Exists path
    && (let old = File.ReadAllText path
        let produced = Text.RegularExpressions.Regex.Match(old, @"^Produced by .* on (\d{4}-\d{2}-\d{2}) from ", Text.RegularExpressions.RegexOptions.Multiline)
        produced.Success && summary produced.Groups[1].Value = old)

/// Re-aggregates every run directory of an experiment folder into summary.csv and summary.md (with each score's
/// protocol and, where published numbers join, a comparison with them); pivot-<score>.md (architecture × method per
/// dataset) when the runs span several architectures and methods; thresholds-<score>.md (Tables 2/5) for scores the
/// paper counts thresholds of; and the training curves (Curves.write). Rows follow `order` (cell ids in grid order,
/// when known), then the remaining directories by name. Refuses (Error, nothing written) when finished runs recorded
/// a score under different protocols. `criteria`: each grid's pre-registered criteria with its cell ids; their cells get
/// "progress" and "verdict" columns and summary.md a verdict section (Verdicts).
let tableWith (criteria: (Criteria * string list) list) (dir: string) (command: string) (order: string list) =
    let rank id = order |> List.tryFindIndex ((=) id) |> Option.defaultValue Int32.MaxValue
    let rows = RunDirectory.readAll keyColumns dir |> List.sortBy (fun r -> rank r.Id)
    // Scores measured under different protocols never share a column: refuse before writing anything.
    let protocols = Tables.protocols rows
    let refusal = match protocols with Error e -> Some $"{dir}: {e}" | Ok _ -> None
    if rows.IsEmpty then Error $"{dir}: no run directories (folders with settings.json) found"
    elif refusal.IsSome then Error(Option.get refusal)
    else
        let protocols = protocols |> Result.defaultValue Map.empty
        let frame = Tables.summarize keyColumns rows
        let judged =
            [ for c, ids in criteria do
                  let mine = rows |> List.filter (fun r -> List.contains r.Id ids)
                  if not mine.IsEmpty then c, ids.Length, mine |> List.map (Verdicts.read c dir) ]
        let readings = judged |> List.collect (fun (_, _, rs) -> rs)
        if not readings.IsEmpty then
            let keyOf (r: int) k = frame.GetColumn<string>(k).Get r
            let group r =
                readings |> List.filter (fun x -> x.Dataset = keyOf r "dataset" && x.Architecture = keyOf r "architecture" && x.Method = keyOf r "method")
            // One seed per cell: its verdict; several: each seed's, in seed order.
            frame |> Tables.addColumn "progress" (fun r -> match group r with [ x ] -> Some x.Progress | _ -> None)
            frame |> Tables.addColumn "verdict" (fun r ->
                match group r with
                | [] -> None
                | xs -> Some(String.Join(" ", xs |> List.map (_.Verdict >> Verdicts.verdictText))))
        // Written beside the target and renamed over it, so a reader never sees half a table.
        let replace (name: string) (write: string -> unit) =
            let target = Path.Combine(dir, name)
            let temporary = $"{target}.{Guid.NewGuid():N}.tmp"
            try
                write temporary
                File.Move(temporary, target, true)
            finally
                if File.Exists temporary then File.Delete temporary
        replace "summary.csv" (fun path -> Tables.writeCsv path frame)
        let markdown = Tables.toMarkdown 3 frame
        let name = Path.GetFileName(Path.GetFullPath(dir).TrimEnd('/'))
        let header (date: string) =
            [ $"# Summary of {name}"
              ""
              $"Produced by `{command}` on {date} from {rows.Length} run directories;"
              "mean ± sample std over seeds (finished runs only). Each run's budget and settings are in its settings.json."
              ""
              "## Protocols"
              ""
              (Tables.protocolsToMarkdown protocols).TrimEnd('\n')
              "" ]
        let published =
            match PaperNumbers.comparison 3 protocols frame with
            | "" -> ""
            | c -> "\n## Against the published numbers\n\n" + c
        let write name (text: string) = AtomicFile.WriteText(Path.Combine(dir, name), text)
        let verdicts = String.concat "" [ for c, expected, rs in judged -> "\n" + Verdicts.toMarkdown c expected rs ]
        let summary date = String.Join("\n", header date) + "\n" + markdown + published + verdicts
        if not (sameButDate (Path.Combine(dir, "summary.md")) summary) then write "summary.md" (summary (DateTime.UtcNow.ToString "yyyy-MM-dd"))
        let key k (r: Tables.RunRow) = r.Keys |> Map.tryFind k |> Option.defaultValue "-"
        let count k = rows |> List.map (key k) |> List.distinct |> List.length
        let byDataset = rows |> List.groupBy (key "dataset")
        let scores = rows |> List.collect (fun r -> List.ofSeq r.Scores.Keys) |> List.distinct |> List.sort
        if count "architecture" > 1 && count "method" > 1 then
            for score in scores |> List.filter (not << Tables.isCompanion scores) do
                write $"pivot-{Curves.fileSafe score}.md"
                    (String.concat "" [ for d, runs in byDataset ->
                                            $"## {score} on {d}\n\n" + Tables.pivotToMarkdown 3 "architecture" (Tables.pivot score "architecture" "method" runs) + "\n" ])
        let thresholdScores = PaperNumbers.thresholdRows |> List.map _.Score |> List.distinct
        if count "architecture" > 1 then
            for score in scores |> List.filter (fun s -> List.contains s thresholdScores) do
                write $"thresholds-{Curves.fileSafe score}.md"
                    (String.concat "" [
                        for d, runs in byDataset do
                            yield $"## Architectures above each minimum {score} on {d} (the paper's Tables 2 and 5)\n\n"
                            yield PaperNumbers.methodCounts score runs
                            match PaperNumbers.thresholdComparison score runs with
                            | "" -> ()
                            | c -> yield "\nPer architecture, against the paper:\n\n" + c
                            yield "\n" ])
        try
            Curves.write dir rows |> ignore
            for c, _, rs in judged do
                // Figure 3 at the grid's scale: the architectures its convergence claims name, a line per method.
                let named =
                    c.Claims |> List.choose (function ReachesSooner (_, _, a, _) | ReachesWithin (_, _, a, _, _) -> Some a | _ -> None) |> List.distinct
                for a in named do
                    let mine = [ for r in rows do if rs |> List.exists (fun x -> x.Id = r.Id && x.Architecture = a) then r, key "method" r ]
                    Curves.writeEvaluationCurves dir mine
                        (fun score axis -> $"figure3-{Curves.fileSafe a}-{Curves.fileSafe score}-{axis}.png") (fun score -> $"{score} on {a}, a line per method")
                    |> ignore
            for d, runs in byDataset do
                sampleMatrix dir d runs
            Ok(markdown + verdicts)
        with :? InvalidDataException as e -> Error $"{dir}: tables written, curves not: {e.Message}"

let table dir command order = tableWith [] dir command order

