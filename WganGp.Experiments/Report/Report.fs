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

/// The score a figure's captions and rules are about: the grid's pre-registered score when it has criteria, otherwise
/// the first (alphabetically) of the runs' scores that is not a companion.
let private captionScore (criteria: Criteria option) (runs: Tables.RunRow list) =
    match criteria with
    | Some c -> Some c.Score
    | None ->
        let all = runs |> List.collect (fun r -> List.ofSeq r.Scores.Keys) |> List.distinct |> List.sort
        all |> List.tryFind (not << Scoring.isCompanion)

let private figureNumber (v: float) = if Double.IsFinite v then v.ToString("G3", Globalization.CultureInfo.InvariantCulture) else "–"

/// A score's real-data ceiling by name, for captions.
let private ceilingText (score: string) = Scoring.ceilingOf score |> Option.defaultValue $"{score}'s real-data ceiling"

/// A 64-image grid of the run's generator as it started, drawn as `wgangp sample` draws (noise seeded by the run's
/// seed), one batch: the run directory's own iteration-0 grid when it kept one (samples/iter-00000000.png), otherwise
/// the generator rebuilt from its cell.json (CellRecipe.untrainedGenerator) into `scratch`. None without either.
let private untrainedGrid (runDirectory: string) (scratch: string) =
    let kept = Path.Combine(runDirectory, "samples", "iter-00000000.png")
    if File.Exists kept then Some kept
    elif not (File.Exists(Path.Combine(runDirectory, CellRecipe.fileName))) then None
    else
        let recipe = CellRecipe.read runDirectory
        match recipe.Dataset with
        | Real data when recipe.Networks.ItemShape.Length = 3 ->
            use generator = CellRecipe.untrainedGenerator recipe
            use noise = new TorchSharp.torch.Generator(uint64 recipe.Seed)
            use samples = Sampler.Sample(generator, Defaults.gridImages, Defaults.gridImages, recipe.Networks.LatentDim, TorchSharp.torch.CPU, noise)
            let out = Path.Combine(scratch, $"untrained-{recipe.Id}.png")
            WganGp.Core.Data.Images.ImageGrid.SavePng(samples, data.Scaling, out)
            Some out
        | _ -> None

/// A 64-image grid of the real data the run trained on (the first batch of its seeded order), or why there is none.
let private realGrid (runDirectory: string) (scratch: string) : Result<string, string> =
    if not (File.Exists(Path.Combine(runDirectory, CellRecipe.fileName))) then Error "the run directories have no cell.json"
    else
        match (CellRecipe.read runDirectory).Dataset with
        | Real data when Directory.Exists data.Path || File.Exists data.Path ->
            use source = Datasets.openReal data data.Path 0L 1 ignore
            use batch = source.NextBatch 64
            let out = Path.Combine(scratch, $"real-{Curves.fileSafe data.Name}.png")
            WganGp.Core.Data.Images.ImageGrid.SavePng(batch, data.Scaling, out)
            Ok out
        | Real data -> Error $"{data.Path} not found"
        | Toy _ -> Error "toy data"

/// Figure 2's layout for one dataset's runs when they span several architectures and methods: samples-<dataset>.png, a
/// row per architecture and a column per method, each cell the run's samples.png (the first seed's) with its score at
/// its last evaluation under it; a first column of the untrained generator (iteration 0, the same for every method of
/// an architecture and seed) and, above, the real data with its `<score>_real`.
let private sampleMatrix (dir: string) (dataset: string) (score: string option) (runs: Tables.RunRow list) =
    let key k (r: Tables.RunRow) = r.Keys |> Map.tryFind k |> Option.defaultValue "-"
    let architectures = runs |> List.map (key "architecture") |> List.distinct
    let methods = runs |> List.map (key "method") |> List.distinct
    let images = runs |> List.exists (fun r -> File.Exists(Path.Combine(dir, r.Id, RunFiles.SampleGrid)))
    if architectures.Length > 1 && methods.Length > 1 && images then
        let scratch = Path.Combine(Path.GetTempPath(), $"wgangp-samples-{Guid.NewGuid():N}")
        Directory.CreateDirectory scratch |> ignore
        try
            let first a m =
                runs |> List.filter (fun r -> key "architecture" r = a && (m = None || Some(key "method" r) = m)) |> List.sortBy _.Seed |> List.tryHead
            let evaluations (r: Tables.RunRow) =
                let path = Path.Combine(dir, r.Id, RunFiles.Evaluations)
                if File.Exists path then Curves.readEvaluations path else []
            // The score at an iteration (None: the last evaluation).
            let scoreAt (name: string) (iteration: int option) (r: Tables.RunRow) =
                evaluations r |> List.filter (fun e -> e.Score = name && (iteration.IsNone || Some e.Iteration = iteration)) |> List.tryLast
                |> Option.map (fun e -> $"{name} {figureNumber e.Value}")
            let caption s iteration r = s |> Option.bind (fun s -> scoreAt s iteration r)
            let cell a m =
                first a (Some m)
                |> Option.map (fun r -> WganGp.Core.Data.Images.MatrixCell(Path.Combine(dir, r.Id, RunFiles.SampleGrid), caption score None r |> Option.toObj))
                |> Option.toObj
            let untrained a =
                first a None
                |> Option.map (fun r ->
                    WganGp.Core.Data.Images.MatrixCell(untrainedGrid (Path.Combine(dir, r.Id)) scratch |> Option.toObj, caption score (Some 0) r |> Option.toObj))
                |> Option.toObj
            let someRun = runs |> List.sortBy _.Seed |> List.head
            let real =
                match realGrid (Path.Combine(dir, someRun.Id)) scratch with
                | Ok file -> WganGp.Core.Data.Images.MatrixCell(file, caption (score |> Option.bind Scoring.ceilingOf) None someRun |> Option.toObj)
                | Error why -> WganGp.Core.Data.Images.MatrixCell(null, $"no real images: {why}")
            let scoreText = score |> Option.map (fun s -> $"{s} at its last evaluation") |> Option.defaultValue "no score"
            WganGp.Core.Data.Images.ImageMatrix.SavePng(
                Path.Combine(dir, $"samples-{Curves.fileSafe dataset}.png"),
                $"{dataset}: samples at the end of training (a row per architecture, a column per method; the first seed's run)",
                architectures, "untrained (iteration 0)" :: methods,
                [| for a in architectures -> [| yield untrained a; for m in methods -> cell a m |] :> Collections.Generic.IReadOnlyList<_> |],
                real, "real data",
                [ $"Under each: {scoreText}. Untrained: the generator as initialised (the first method's run; every method of a row starts from it)"
                  + (score |> Option.map (fun s -> $", {s} at iteration 0. Real data: training images; {ceilingText s}: held-out images against the same reference.") |> Option.defaultValue ".") ])
        finally
            Directory.Delete(scratch, true)

/// The horizontal lines Figure 3 draws for a grid's claims on one architecture, for the criteria's score: each
/// ReachesLevelSooner claim's level (in its method's colour), and the "trains" threshold the ReachesSooner and
/// ReachesWithin claims use (the score at which a cell's progress reaches Trains: exp(ln F0 − Trains·(ln F0 − ln R)); the
/// geometric mean over the cells when theirs differ).
let private claimRules (criteria: Criteria) (readings: Verdicts.Reading list) (architecture: string) : Plots.Rule list =
    let here = readings |> List.filter (fun r -> r.Architecture = architecture)
    let levels =
        criteria.Claims
        |> List.choose (function ReachesLevelSooner (m, _, a, _) when a = architecture -> Some m | _ -> None)
        |> List.distinct
        |> List.choose (fun m ->
            Verdicts.level here m architecture
            |> Option.map (fun l -> ({ Label = $"{m}'s level √(U·B): {figureNumber l.Value}"; Colour = Curves.methodColour m; Y = l.Value }: Plots.Rule)))
    let usesTrains =
        criteria.Claims |> List.exists (function ReachesSooner (_, _, a, _) | ReachesWithin (_, _, a, _, _) -> a = architecture | _ -> false)
    let thresholds =
        here
        |> List.map (fun r -> exp (log r.Untrained - criteria.Trains * (log r.Untrained - log r.Ceiling)))
        |> List.filter Double.IsFinite
    let trains =
        if not usesTrains || thresholds.IsEmpty then []
        else
            let mean = exp (thresholds |> List.averageBy log)
            let spread = (List.max thresholds - List.min thresholds) / mean
            let which = if spread < 1e-9 then "" else " (geometric mean over the cells)"
            let p = criteria.Trains.ToString("0.##", Globalization.CultureInfo.InvariantCulture)
            [ ({ Label = $"\"trains\" (progress {p}): {figureNumber mean}{which}"; Colour = ScottPlot.Color.FromHex "#b8860b"; Y = mean }: Plots.Rule) ]
    levels @ trains

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
    if rows.IsEmpty then Error $"{dir}: no run directories (folders with cell.json) found"
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
              $"{Tables.spreadNote frame} Each run's budget and settings are in its cell.json; its machine in settings.json."
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
            for score in scores |> List.filter (not << Scoring.isCompanion) do
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
                // Figure 3 at the grid's scale: the architectures its convergence and seed claims name, a line per method.
                let named =
                    c.Claims
                    |> List.choose (function
                        | ReachesSooner (_, _, a, _) | ReachesWithin (_, _, a, _, _) | EndsBetter (_, _, a)
                        | ReachesLevelSooner (_, _, a, _) | SteadierAtEnd (_, _, a) -> Some a
                        | TrainsEvery _ | OnlyTrainsEvery _ -> None)
                    |> List.distinct
                for a in named do
                    let mine = rows |> List.filter (fun r -> rs |> List.exists (fun x -> x.Id = r.Id && x.Architecture = a))
                    let curves = Curves.readRuns dir mine
                    let datasets = mine |> List.map (key "dataset") |> List.distinct |> String.concat ", "
                    let rates = Verdicts.aloneRates c.Claims a
                    for score in Curves.drawnScores curves do
                        let rules = if score = c.Score then claimRules c rs a else []
                        Plots.figure (Path.Combine(dir, $"figure3-{Curves.fileSafe a}-{Curves.fileSafe score}.png"))
                            (Curves.figure3 $"Figure 3 at this grid's scale: {score} of {a} on {datasets}" score rates curves rules)
            for d, runs in byDataset do
                let criteriaOf = judged |> List.tryFind (fun (_, _, rs) -> rs |> List.exists (fun x -> x.Dataset = d)) |> Option.map (fun (c, _, _) -> c)
                sampleMatrix dir d (captionScore criteriaOf runs) runs
            Ok(markdown + verdicts)
        with :? InvalidDataException as e -> Error $"{dir}: tables written, curves not: {e.Message}"

let table dir command order = tableWith [] dir command order

