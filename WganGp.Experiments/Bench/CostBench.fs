/// `wgangp bench cost`: how the cost of a generator iteration grows with the batch and the width, for Figure 2 rows ×
/// methods (ours only). Each configuration is timed as `bench step` times a cell (TrainingSession.Iterate on real
/// batches when they are installed), in rounds that each time every configuration once; the report reads from the
/// numbers where the cost is overhead-bound (fixed costs per iteration: per-sample cost falls as the batch grows) and
/// where compute-bound (per-sample cost flat, time growing as the FLOPs do).
module WganGp.Experiments.CostBench

open System
open System.Globalization
open System.IO
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Experiments.Dsl
open WganGp.Experiments.Plots

type Options =
    { /// Figure 2 rows; each is built at every one of `Widths`.
      Architectures: Architecture list
      Methods: Method list
      Batches: int list
      Widths: float list
      Size: int
      Channels: int
      /// Timed generator iterations per configuration per round.
      Iterations: int
      Warmup: int
      Rounds: int
      /// A configuration whose iteration 0 or first warm-up iteration took longer than this is not timed.
      MaxSeconds: float
      Seed: int
      /// Real batches as `run` draws them (Fashion-MNIST at 32×32×1 when installed); None: uniform noise.
      RealData: (Dsl.RealData * string) option
      Csv: string option
      Figure: string option }

/// One point of the grid: a Figure 2 row (as given) at a width, under a method, at a batch size.
type Configuration = { Row: Architecture; Method: Method; Width: float; Batch: int }

/// A timed configuration: seconds per generator iteration (median, min, max over the rounds) and the GFLOP of one
/// generator iteration counted from the layer shapes (Flops.iteration). Architecture: the Figure 2 row's name.
type Point = { Architecture: string; Method: string; Width: float; Batch: int; Seconds: float * float * float; Gflop: float }

/// How per-sample cost falls with the batch at one width: milliseconds per sample at the smallest batch over those at
/// the largest (≈ 1: compute-bound; ≫ 1: overhead-bound at the small batch), and the smallest batch from which on
/// every per-sample cost stays within `flatWithin` of the largest batch's.
type BatchReading = { Architecture: string; Method: string; Width: float; Smallest: int; Largest: int; Ratio: float; FlatFrom: int }

/// How seconds grow from the narrowest width to the widest at one batch, against how the FLOPs grow. Share = time
/// ratio / FLOP ratio: 1 when time grows as the work does (compute-bound at both widths), ≪ 1 when the narrow width
/// pays for more than its FLOPs (overhead-bound there).
type WidthReading =
    { Architecture: string; Method: string; Batch: int; Narrow: float; Wide: float; TimeRatio: float; FlopRatio: float; Share: float }

/// Per-sample cost within this factor of the largest batch's counts as flat.
let flatWithin = 1.2

/// The batch the width reading compares at when it was measured (the paper's, and `bench step`'s); else the largest
/// batch measured at both widths.
let widthBatch = 64

let private median (p: Point) = let m, _, _ = p.Seconds in m

let msPerSample (p: Point) = 1000.0 * median p / float p.Batch

/// The batch readings of every architecture × method × width measured at two batches or more.
let batchReadings (points: Point list) : BatchReading list =
    points
    |> List.groupBy (fun p -> p.Architecture, p.Method, p.Width)
    |> List.choose (fun ((architecture, method, width), group) ->
        match group |> List.sortBy (fun p -> p.Batch) with
        | (small :: _ :: _) as sorted ->
            let large = List.last sorted
            let level = msPerSample large
            // From the largest batch down, as long as per-sample cost stays near the largest batch's.
            let flat = sorted |> List.rev |> List.takeWhile (fun p -> msPerSample p <= flatWithin * level) |> List.last
            Some { Architecture = architecture; Method = method; Width = width; Smallest = small.Batch; Largest = large.Batch
                   Ratio = msPerSample small / level; FlatFrom = flat.Batch }
        | _ -> None)

/// The width readings of every architecture × method measured at two widths or more at a common batch.
let widthReadings (points: Point list) : WidthReading list =
    points
    |> List.groupBy (fun p -> p.Architecture, p.Method)
    |> List.choose (fun ((architecture, method), (group: Point list)) ->
        let widths = group |> List.map (fun p -> p.Width) |> List.distinct
        let at width = group |> List.filter (fun p -> p.Width = width) |> List.map (fun p -> p.Batch, p) |> Map.ofList
        if widths.Length < 2 then None
        else
            let narrow, wide = List.min widths, List.max widths
            let n, w = at narrow, at wide
            match Set.intersect (n |> Map.keys |> set) (w |> Map.keys |> set) with
            | common when common.IsEmpty -> None
            | common ->
                let batch = if common.Contains widthBatch then widthBatch else Set.maxElement common
                let time, flops = median w.[batch] / median n.[batch], w.[batch].Gflop / n.[batch].Gflop
                Some { Architecture = architecture; Method = method; Batch = batch; Narrow = narrow; Wide = wide
                       TimeRatio = time; FlopRatio = flops; Share = time / flops })

let private rowName (row: Architecture) =
    match row with
    | :? WganGp.Core.Nets.Figure2Entry as f -> Names.figure2 f.Variant
    | other -> Names.architecture other

let private widthText (w: float) = WganGp.Core.Nets.Figure2Width.Format w

let private describe (c: Configuration) = $"{rowName c.Row} {c.Method.Name} width {widthText c.Width} batch {c.Batch}"

/// The grid in the order of the first round: by row, method, width, then batch, each ascending, so a configuration
/// over --max-seconds is met before the larger ones it implies.
let private grid (options: Options) =
    [ for row in options.Architectures do
          for method in options.Methods do
              for width in List.sort options.Widths do
                  for batch in List.sort options.Batches -> { Row = row; Method = method; Width = width; Batch = batch } ]

/// Whether `c` is at least as costly as `slow`: the same row and method, no narrower and no smaller batch.
let private implied (slow: Configuration) (c: Configuration) =
    rowName slow.Row = rowName c.Row && slow.Method.Name = c.Method.Name && c.Width >= slow.Width && c.Batch >= slow.Batch

/// The process's resident memory in bytes.
let private resident () =
    use self = Diagnostics.Process.GetCurrentProcess()
    self.WorkingSet64

/// What the rounds measured: each timed configuration's seconds per round, those skipped and why, and how many
/// sessions were kept between rounds.
type private Measured = { Timed: (Configuration * float list) list; Skipped: (Configuration * string) list; Kept: int }

/// Times the grid in rounds. Round 1 builds each configuration's session (the cell's networks and optimisers, as
/// `bench step` builds them), runs iteration 0 and the warm-up, skips it when one of those took over --max-seconds (and
/// the configurations it implies without trying them), then times it. A session is kept alive for the later rounds
/// while the process's resident memory stays under half of this machine's, else disposed and rebuilt (and warmed up
/// again) in each later round: ResNet-101 at width 1 holds hundreds of MB of parameters and Adam state per session,
/// and the default grid has 60. Later rounds time every configuration once more, the order reversed every other
/// round, so a drift of the machine's speed falls on all of them alike.
let private measure (options: Options) (data: IBatchSource) : Measured =
    let shape = [| int64 options.Channels; int64 options.Size; int64 options.Size |]
    let budget = 1 + options.Warmup + options.Rounds * options.Iterations
    let memoryBudget = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2L
    let configurations = grid options |> Array.ofList
    let start (c: Configuration) =
        new StepBench.CellSession(withWidth c.Width c.Row, c.Method, shape, data, c.Batch, budget, options.Seed)
    let time (round: int) (i: int) (cell: StepBench.CellSession) =
        let seconds = StepBench.timed options.Iterations cell.Iterations.Next
        printfn $"  round {round}/{options.Rounds}: {describe configurations.[i]}: {seconds:F4} s per iteration"
        i, seconds
    let kept = Collections.Generic.Dictionary<int, StepBench.CellSession>()
    try
        let tooSlow = Collections.Generic.List<Configuration>()
        let first =
            [ for i, c in Array.indexed configurations do
                  match tooSlow |> Seq.tryFind (fun slow -> implied slow c) with
                  | Some slow -> Choice2Of2(c, $"not tried: {describe slow} already took over {options.MaxSeconds} s")
                  | None ->
                      let cell = start c
                      // Iteration 0 (the critic steps alone, the first call of every kernel), then the first warm-up
                      // iteration: either over the limit says a timed round would be too.
                      let startup = StepBench.timed 1 cell.Iterations.Next
                      let warm = if options.Warmup >= 1 then Some(StepBench.timed 1 cell.Iterations.Next) else None
                      let over =
                          if startup > options.MaxSeconds then Some $"iteration 0 (critic steps alone) took {startup:F1} s > --max-seconds {options.MaxSeconds}"
                          else
                              match warm with
                              | Some s when s > options.MaxSeconds -> Some $"its first warm-up iteration took {s:F1} s > --max-seconds {options.MaxSeconds}"
                              | _ -> None
                      match over with
                      | Some reason ->
                          (cell :> IDisposable).Dispose()
                          tooSlow.Add c
                          printfn $"  skipped {describe c}: {reason}"
                          Choice2Of2(c, reason)
                      | None ->
                          cell.Iterations.Run(options.Warmup - 1)
                          let timing = time 1 i cell
                          if options.Rounds > 1 && resident () < memoryBudget then kept.[i] <- cell
                          else (cell :> IDisposable).Dispose()
                          Choice1Of2 timing ]
        let timedFirst = first |> List.choose (function Choice1Of2 t -> Some t | _ -> None)
        let order = timedFirst |> List.map fst
        let later =
            [ for round in 2 .. options.Rounds do
                  for i in (if round % 2 = 0 then List.rev order else order) do
                      match kept.TryGetValue i with
                      | true, cell -> time round i cell
                      | _ ->
                          use cell = start configurations.[i]
                          cell.Iterations.Run(1 + options.Warmup)
                          time round i cell ]
        let seconds = timedFirst @ later |> List.groupBy fst
        { Timed = [ for i, ts in seconds -> configurations.[i], List.map snd ts ]
          Skipped = first |> List.choose (function Choice2Of2 s -> Some s | _ -> None)
          Kept = kept.Count }
    finally
        for cell in kept.Values do (cell :> IDisposable).Dispose()

/// GFLOP of one generator iteration of each timed configuration (a forward of each network recorded once per row,
/// method and width).
let private points (options: Options) (timed: (Configuration * float list) list) : Point list =
    let shape = [| int64 options.Channels; int64 options.Size; int64 options.Size |]
    let forwards =
        timed
        |> List.map (fun (c, _) -> c.Row, c.Method, c.Width)
        |> List.distinctBy (fun (row, method, width) -> rowName row, method.Name, width)
        |> List.map (fun (row, method, width) -> (rowName row, method.Name, width), Flops.ofPair (withWidth width row) method shape)
        |> Map.ofList
    [ for c, seconds in timed ->
          let fG, fD = forwards.[(rowName c.Row, c.Method.Name, c.Width)]
          { Architecture = rowName c.Row; Method = c.Method.Name; Width = c.Width; Batch = c.Batch
            Seconds = StepBench.summary seconds; Gflop = Flops.iteration c.Method c.Batch fG fD / 1e9 } ]

let private invariant (x: float) = x.ToString("G6", CultureInfo.InvariantCulture)

/// The CSV: a row per timed configuration.
let private writeCsv (path: string) (points: Point list) =
    let rows =
        [ for p in points ->
              let m, lo, hi = p.Seconds
              String.Join(",", [ p.Architecture; p.Method; widthText p.Width; string p.Batch; invariant m; invariant lo; invariant hi
                                 invariant (msPerSample p); invariant p.Gflop ]) ]
    match Path.GetDirectoryName(Path.GetFullPath path) with
    | null | "" -> ()
    | dir -> Directory.CreateDirectory dir |> ignore
    File.WriteAllLines(path, "architecture,method,width,batch,seconds_median,seconds_min,seconds_max,ms_per_sample,gflop_per_iteration" :: rows)

/// The figure: a panel per architecture × method with seconds per iteration against the batch (top row) and
/// milliseconds per sample (bottom row), a line per width with its min–max band over the rounds; both axes logarithmic.
let private drawFigure (path: string) (options: Options) (notes: string list) (points: Point list) =
    let widths = points |> List.map (fun p -> p.Width) |> List.distinct |> List.sort
    let palette = ScottPlot.Palettes.Category10()
    let colour w = palette.GetColor(List.findIndex ((=) w) widths)
    let cells = points |> List.map (fun p -> p.Architecture, p.Method) |> List.distinct
    let panel (architecture, method) (yLabel: string) (value: Point -> float * float * float) =
        let mine = points |> List.filter (fun p -> p.Architecture = architecture && p.Method = method)
        { Title = $"{architecture} {method}"; XLabel = "batch size"; YLabel = yLabel; LogY = true; LogX = true; Rules = []
          Lines =
            [ for w in widths do
                  let line = mine |> List.filter (fun p -> p.Width = w) |> List.sortBy (fun p -> p.Batch)
                  if not line.IsEmpty then
                      let values = line |> List.map value
                      { Label = $"width {widthText w}"; Colour = colour w
                        Xs = [| for p in line -> float p.Batch |]; Ys = [| for m, _, _ in values -> m |]
                        Band = Some([| for _, lo, _ in values -> lo |], [| for _, _, hi in values -> hi |]) } ] }
    let perSample (p: Point) = let m, lo, hi = p.Seconds in 1000.0 * m / float p.Batch, 1000.0 * lo / float p.Batch, 1000.0 * hi / float p.Batch
    figure path
        { Title = $"How cost grows with batch and width ({options.Size}x{options.Size}x{options.Channels}): where it is overhead-bound, where compute-bound"
          Notes = notes @ [ "Top row: seconds per generator iteration; bottom row: milliseconds per sample (seconds / batch). Lines: medians over the rounds; bands: their min–max." ]
          Key =
            [ for w in widths -> { Label = $"width {widthText w} (DIM {WganGp.Core.Nets.Figure2Width.Dim w})"; Colour = colour w; Style = Solid } ]
            @ [ { Label = "min–max over rounds"; Colour = ScottPlot.Color.FromHex "#888888"; Style = Band } ]
          Columns = cells.Length
          PanelSize = smallPanel
          Panels =
            [ for c in cells -> panel c "seconds per iteration" (fun p -> p.Seconds) ]
            @ [ for c in cells -> panel c "ms per sample" perSample ] }

/// The report's table of one architecture × method: a row per batch, per width seconds per iteration (median and
/// min–max), milliseconds per sample and GFLOP/s achieved.
let private table (say: string -> unit) (points: Point list) (skipped: (Configuration * string) list) (options: Options) (row: Architecture) (method: Method) =
    let name = rowName row
    let widths = List.sort options.Widths
    say $"### {name}, {method.Name}"
    say ""
    let header = String.Join(" | ", [ for w in widths -> $"w {widthText w}: s/it | ms/sample | GFLOP/s" ])
    say $"| batch | {header} |"
    say ("|---:|" + String.replicate (3 * widths.Length) "---:|")
    for batch in List.sort options.Batches do
        let cells =
            [ for w in widths ->
                  match points |> List.tryFind (fun p -> p.Architecture = name && p.Method = method.Name && p.Width = w && p.Batch = batch) with
                  | Some p ->
                      let m, lo, hi = p.Seconds
                      $"{m:F3} ({lo:F3}–{hi:F3}) | {msPerSample p:F2} | {p.Gflop / m:F1}"
                  | None when skipped |> List.exists (fun (c, _) -> rowName c.Row = name && c.Method.Name = method.Name && c.Width = w && c.Batch = batch) ->
                      "skipped | | "
                  | None -> "n/a | | " ]
        let columns = String.Join(" | ", cells)
        say $"| {batch} | {columns} |"
    say ""

/// The reading: per-sample cost against the batch, and time against FLOPs across the widths.
let private reading (say: string -> unit) (points: Point list) =
    let batches = batchReadings points
    if not batches.IsEmpty then
        say "### Reading: the batch"
        say ""
        say $"Milliseconds per sample at the smallest batch over those at the largest: ≈ 1 means compute-bound (the work grows with the batch and nothing else does), ≫ 1 overhead-bound at the small batch (fixed costs per iteration — per-op dispatch, allocation, threads waiting — spread over few samples). \"Flat from\": the smallest batch from which on per-sample cost stays within {flatWithin}× of the largest batch's."
        say ""
        say "| architecture | method | width | ms/sample, smallest batch | ms/sample, largest batch | ratio | flat from batch |"
        say "|---|---|---:|---:|---:|---:|---:|"
        for r in batches do
            let at batch = points |> List.find (fun p -> p.Architecture = r.Architecture && p.Method = r.Method && p.Width = r.Width && p.Batch = batch)
            say $"| {r.Architecture} | {r.Method} | {widthText r.Width} | {msPerSample (at r.Smallest):F2} (batch {r.Smallest}) | {msPerSample (at r.Largest):F2} (batch {r.Largest}) | {r.Ratio:F2} | {r.FlatFrom} |"
        say ""
    let widths = widthReadings points
    if not widths.IsEmpty then
        say "### Reading: the width"
        say ""
        say $"Seconds at the widest width over the narrowest, at batch {widthBatch} (else the largest batch measured at both), against the ratio of their FLOPs per iteration counted from the layer shapes (Flops.iteration: convolutions and Linear layers, a backward as two forwards, the penalty's double backward). Share = time ratio / FLOP ratio: 1 when time grows as the work does (compute-bound at both widths), ≪ 1 when the narrow width pays for more than its FLOPs (overhead-bound there)."
        say ""
        say "| architecture | method | batch | widths | seconds ratio | FLOP ratio | share |"
        say "|---|---|---:|---|---:|---:|---:|"
        for r in widths do
            say $"| {r.Architecture} | {r.Method} | {r.Batch} | {widthText r.Wide} / {widthText r.Narrow} | {r.TimeRatio:F2} | {r.FlopRatio:F2} | {r.Share:F2} |"
        say ""

/// The points of a CSV `writeCsv` wrote; a file that is not one is an error naming it and the line.
let readCsv (path: string) : Point list =
    if not (File.Exists path) then failwith $"{path}: no such file"
    let lines = File.ReadAllLines path
    let header = "architecture,method,width,batch,seconds_median,seconds_min,seconds_max,ms_per_sample,gflop_per_iteration"
    if lines.Length = 0 || lines.[0] <> header then failwith $"{path}: not a `bench cost` CSV (expected the header {header})"
    let number (line: int) (text: string) =
        match Double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture) with
        | true, v -> v
        | _ -> failwith $"{path}, line {line}: '{text}' is not a number"
    [ for i in 1 .. lines.Length - 1 do
          match lines.[i].Split ',' with
          | [| architecture; method; width; batch; m; lo; hi; _; gflop |] ->
              let n = number (i + 1)
              { Architecture = architecture; Method = method; Width = n width; Batch = int (n batch); Seconds = (n m, n lo, n hi); Gflop = n gflop }
          | fields -> failwith $"{path}, line {i + 1}: expected 9 fields, found {fields.Length}" ]

/// Draws the figure again from a CSV this command wrote (after a change to how figures are drawn), without timing
/// anything; the notes say where the numbers came from.
let redraw (csv: string) (figurePath: string) (options: Options) =
    let points = readCsv csv
    if points.IsEmpty then failwith $"{csv}: no configurations"
    drawFigure figurePath options [ $"Redrawn from {csv}; how it was measured is in the report beside it." ] points

/// Measures the grid and returns the report's lines (also printed), writing the CSV and the figure when asked for.
let run (options: Options) =
    let shape = [| int64 options.Channels; int64 options.Size; int64 options.Size |]
    // One batch source for every session: which images a configuration draws does not change its cost, and one copy of
    // the data (not one per kept session) keeps memory for the sessions.
    let data = StepBench.batches options.RealData options.Seed shape
    use _ = StepBench.released data
    let measured = measure options data
    let points = points options measured.Timed
    let lines = Collections.Generic.List<string>()
    let say (line: string) = printfn "%s" line; lines.Add line
    let dataText = match options.RealData with Some (d, path) -> $"real batches of {d.Name} ({path})" | None -> "real batches are uniform noise"
    let rebuilt = measured.Timed.Length - measured.Kept
    let sessions =
        if options.Rounds = 1 then "one round: each session built, warmed up and timed once"
        else $"{measured.Kept} session(s) kept alive between rounds, {rebuilt} rebuilt and warmed up again in each round (kept while the process's resident memory stayed under half of this machine's {float (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) / 1073741824.0:F0} GiB)"
    let protocol =
        $"{torch.get_num_threads ()} intra-op threads; {options.Warmup} warm-up iteration(s) after iteration 0, then {options.Rounds} round(s) of {options.Iterations} timed iteration(s), each round timing every configuration once (the order reversed every other round); {dataText}"
    say $"## How cost grows: {options.Size}x{options.Size}x{options.Channels}, seconds per generator iteration against batch and width"
    say ""
    say $"One generator iteration = one generator step + the method's critic steps (TrainingSession.Iterate, the loop `wgangp run` runs, timed as `bench step` times it; ours only). {protocol}; medians with the (min–max) of the rounds; {sessions}."
    say "Each width w builds every channel count from DIM = 64·w. GFLOP/s: the FLOPs of an iteration counted from the layer shapes (Flops.iteration) over its median seconds."
    say ""
    if not measured.Skipped.IsEmpty then
        say $"Skipped (a configuration whose iteration 0 or first warm-up iteration took over --max-seconds {options.MaxSeconds}, and those at least as large):"
        say ""
        for c, reason in measured.Skipped do say $"- {describe c}: {reason}"
        say ""
    for row in options.Architectures do
        for method in options.Methods do
            table say points measured.Skipped options row method
    reading say points
    options.Csv |> Option.iter (fun path -> writeCsv path points)
    match options.Figure with
    | Some path when not points.IsEmpty ->
        let skippedNote = if measured.Skipped.IsEmpty then [] else [ $"{measured.Skipped.Length} configuration(s) over --max-seconds {options.MaxSeconds} not timed (see the report)." ]
        drawFigure path options ([ protocol + "." ] @ skippedNote) points
    | Some path -> say $"No figure at {path}: every configuration was skipped."
    | None -> ()
    List.ofSeq lines
