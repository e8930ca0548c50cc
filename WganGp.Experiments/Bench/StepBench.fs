/// `wgangp bench step`: seconds per generator iteration (one generator step and the method's critic steps) of each
/// matrix architecture × method, beside the same step in PyTorch (bench/reference.py, Debian's python3-torch configured
/// as a performance-minded user would) in rounds alternating the two sides, as medians and ratios with their spread;
/// and the same cell as `run` records it (log.csv).
module WganGp.Experiments.StepBench

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Training
open WganGp.Experiments.Dsl

type Options =
    { Architectures: Architecture list
      Methods: Method list
      Size: int
      Channels: int
      BatchSize: int
      Iterations: int
      Warmup: int
      Seed: int
      /// Width multipliers for `widthCost` (the first is the baseline).
      Widths: float list
      Python: string
      /// bench/reference.py
      Reference: string
      /// Rounds alternating ours and PyTorch's (each `Iterations` long) per cell; medians and spreads are over them.
      Rounds: int
      /// Real batches as `run` draws them (Fashion-MNIST at 32×32×1 when installed); None: uniform noise.
      RealData: (Dsl.RealData * string) option }

type private Net = torch.nn.Module<torch.Tensor, torch.Tensor>

let private count (m: torch.nn.Module) = m.parameters() |> Seq.sumBy (fun p -> p.numel())

/// Disposes a batch source that holds resources (files, decoding threads).
let released (data: IBatchSource) =
    { new IDisposable with member _.Dispose() = match data with :? IDisposable as d -> d.Dispose() | _ -> () }

/// Uniform noise in [-1, 1] as real batches: the data pipeline is measured by `bench data`, not here.
type NoiseBatches(shape: int64[]) =
    interface IBatchSource with
        member _.Name = "uniform noise"
        member _.ItemShape = shape
        member _.NextBatch(batchSize) = torch.rand(Array.append [| int64 batchSize |] shape) * 2.0f - 1.0f

/// The trainer's own iterations (`TrainingSession.Iterate`: the learning-rate schedule, iteration 0 with critic steps
/// only, then one generator step and the critic steps, each in its own dispose scope), without logging, evaluation or
/// checkpoints. Returns the mean seconds of the timed iterations (after the warm-up) and both parameter counts.
let private bareLoop (generator: Func<Net>) (critic: Func<Net>) latent (method: Method) (data: IBatchSource) options =
    let iterations = 1 + options.Warmup + options.Iterations
    let config = TrainConfig(generator, critic, latent, data, method, iterations, options.BatchSize, int64 options.Seed)
    use session = TrainingSession.Start config
    use _ = session.State.Generator
    use _ = session.State.Critic
    for it in 0 .. options.Warmup do session.Iterate(it, false) |> ignore
    let timed = Stopwatch.StartNew()
    for it in options.Warmup + 1 .. iterations - 1 do session.Iterate(it, false) |> ignore
    timed.Elapsed.TotalSeconds / float options.Iterations, count session.State.Generator, count session.State.Critic

/// bench/reference.py's name of a Figure 2 variant (the same names as ours) and its DIM.
let referenceName (architecture: Architecture) =
    match architecture with
    | :? WganGp.Core.Nets.Figure2Entry as f -> Some(Names.figure2 f.Variant, WganGp.Core.Nets.Figure2Width.Dim f.Width)
    | _ -> None

/// The real batches of a timing: Fashion-MNIST as `run` opens it when it is installed and the cells take it (Some),
/// else uniform noise of the items' shape.
let batches (realData: (Dsl.RealData * string) option) (seed: int) (shape: int64[]) : IBatchSource =
    match realData with
    | Some (data, path) -> Datasets.openReal data path (int64 seed * 7919L + 1L) 1 ignore :> IBatchSource
    | None -> new NoiseBatches(shape)

/// The real images `run` trains the Figure 2 cells on (Fashion-MNIST at 32×32×1), when they are installed, the cells
/// take them and noise was not asked for.
let installedReal (noise: bool) (size: int) (channels: int) =
    let fashion = Datasets.fashionMnist32
    if noise || size <> 32 || channels <> 1 || not (IO.File.Exists(IO.Path.Combine(fashion.Path, "train-images-idx3-ubyte.gz"))) then None
    else Some(fashion, fashion.Path)

let private itemShape (options: Options) = [| int64 options.Channels; int64 options.Size; int64 options.Size |]

let private batchesFor (options: Options) = batches options.RealData options.Seed (itemShape options)

/// PyTorch's side of a cell: bench/reference.py --serve, which builds the cell once and times N iterations for every
/// line N it reads. Its first line is PyTorch's configuration.
type private Peer(options: Options, variant: string, dim: int, methodName: string) =
    let info =
        ProcessStartInfo(options.Python,
                         [ options.Reference; "--serve"; "--architectures"; variant; "--dim"; string dim; "--methods"; methodName
                           "--size"; string options.Size; "--channels"; string options.Channels; "--batch"; string options.BatchSize
                           "--warmup"; string options.Warmup; "--threads"; string (torch.get_num_threads ()); "--seed"; string options.Seed
                           match options.RealData with
                           | Some (data, path) -> yield! [ "--idx"; IO.Path.Combine(path, "train-images-idx3-ubyte.gz") ]
                           | None -> () ],
                         RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true)
    // The configuration a performance-minded user gives it (reference.py sets the same when they are unset).
    do
        info.Environment["OPENBLAS_NUM_THREADS"] <- "1"
        info.Environment["OMP_PROC_BIND"] <- "close"
        info.Environment["OMP_PLACES"] <- "cores"
    let proc =
        try Process.Start info |> nonNull
        with :? ComponentModel.Win32Exception as e ->
            failwith $"cannot start {options.Python}: {e.Message} (apt-get install python3-torch libopenblas0-pthread)"
    let errors = proc.StandardError.ReadToEndAsync()
    let next () =
        match proc.StandardOutput.ReadLine() with
        | null ->
            proc.WaitForExit()
            failwith $"{options.Reference} ended ({proc.ExitCode}): {errors.Result.Trim()}"
        | line -> JsonDocument.Parse line
    let configuration = using (next ()) (fun j -> j.RootElement.GetProperty("configuration").Clone())
    let parameters = using (next ()) (fun j -> j.RootElement.GetProperty("generator_parameters").GetInt64(), j.RootElement.GetProperty("critic_parameters").GetInt64())
    member _.Configuration = configuration
    member _.Parameters = parameters
    /// Seconds per iteration over n iterations.
    member _.Time(n: int) =
        proc.StandardInput.WriteLine(string n)
        proc.StandardInput.Flush()
        using (next ()) (fun j -> j.RootElement.GetProperty("seconds_per_iteration").GetDouble())
    interface IDisposable with
        member _.Dispose() =
            try
                proc.StandardInput.WriteLine ""
                proc.StandardInput.Close()
                if not (proc.WaitForExit 10_000) then proc.Kill()
            with _ -> ()
            proc.Dispose()

/// A session's generator iterations, one after the other.
type SessionIterations(session: TrainingSession) =
    let mutable it = 0
    member _.Next() =
        session.Iterate(it, false) |> ignore
        it <- it + 1
    member this.Run(n: int) = for _ in 1 .. n do this.Next()

/// Seconds per call of `work` over `n` calls.
let timed (n: int) (work: unit -> unit) =
    let clock = Stopwatch.StartNew()
    for _ in 1 .. n do work ()
    clock.Elapsed.TotalSeconds / float n

/// A cell's training session as `run` starts it (TrainingSession.Start on the cell's networks), `budget` iterations
/// long, drawing from `data` (the caller's, left open); disposing it releases the networks and the optimisers.
type CellSession(architecture: Architecture, method: Method, shape: int64[], data: IBatchSource, batchSize: int, budget: int, seed: int,
                 ?precision: WganGp.Core.Numerics.Precision) =
    let generator, critic, latent = Cells.networks architecture method WganGp.Core.Nets.InitScheme.Tflib shape
    let session =
        TrainingSession.Start(
            TrainConfig(generator, critic, latent, data, method, budget, batchSize, int64 seed,
                        Precision = defaultArg precision WganGp.Core.Numerics.Precision.Float32))
    let iterations = SessionIterations session
    member _.Session = session
    /// The factories and latent size it was built from (to build the same cell again).
    member _.Networks = generator, critic, latent
    member _.Iterations = iterations
    interface IDisposable with
        member _.Dispose() =
            session.State.Critic.Dispose()
            session.State.Generator.Dispose()
            session.Dispose()

/// Median and (min, max) of a list of seconds.
let summary (xs: float list) =
    let sorted = List.sort xs
    let n = sorted.Length
    let median = if n % 2 = 1 then sorted.[n / 2] else (sorted.[n / 2 - 1] + sorted.[n / 2]) / 2.0
    median, List.head sorted, List.last sorted

/// One cell timed both ways, as medians over alternating rounds, and as `run` logs it.
type CellTiming =
    { Ours: float * float * float
      Theirs: (float * float * float) option
      Ratio: (float * float * float) option
      /// Seconds per iteration from log.csv of a Trainer.Run of the same cell (what `run` records).
      Logged: float
      GeneratorParameters: int64
      CriticParameters: int64 }

/// The trainer's own loop on the cell (a run directory, a log row per iteration, no evaluation or checkpoints): its
/// log.csv's seconds per iteration after the warm-up, as `run` would record them.
let private loggedRate (generator: Func<Net>) (critic: Func<Net>) latent (method: Method) (options: Options) =
    let dir = IO.Path.Combine(IO.Path.GetTempPath(), "wgangp-bench-" + Guid.NewGuid().ToString("N"))
    try
        let data = batchesFor options
        use _ = released data
        let iterations = 1 + options.Warmup + options.Iterations
        let config =
            TrainConfig(generator, critic, latent, data, method, iterations, options.BatchSize, int64 options.Seed,
                        RunDirectory = dir, LogEvery = 1, SampleCount = 0, TensorBoard = false)
        use _ = Trainer.Run config
        let rows = IO.File.ReadAllLines(IO.Path.Combine(dir, RunFiles.Log)) |> Array.skip 1 |> Array.map (fun l -> l.Split(','))
        let seconds (row: string[]) = Double.Parse(Array.last row, Globalization.CultureInfo.InvariantCulture)
        let first, last = rows.[options.Warmup], Array.last rows
        (seconds last - seconds first) / float (rows.Length - 1 - options.Warmup)
    finally
        if IO.Directory.Exists dir then IO.Directory.Delete(dir, true)

/// `rounds` rounds timing `a` and `b` once each, which goes first alternating, so that a drift of the machine's speed
/// counts against both.
let private alternating (rounds: int) (a: unit -> float) (b: unit -> float) =
    [ for r in 1 .. rounds -> if r % 2 = 0 then (let y = b () in a (), y) else (let x = a () in x, b ()) ]

/// A median with its rounds' (min–max), for a report's cell.
let private medianText (m: float, lo: float, hi: float) = $"{m:F3} ({lo:F3}–{hi:F3})"

/// One cell: ours (TrainingSession.Iterate, the loop `run` runs) and PyTorch's, in alternating rounds.
let timeCell (architecture: Architecture) (method: Method) (options: Options) : CellTiming =
    let data = batchesFor options
    use _ = released data
    let budget = 1 + options.Warmup + options.Rounds * options.Iterations
    use cell = new CellSession(architecture, method, itemShape options, data, options.BatchSize, budget, options.Seed)
    let generator, critic, latent = cell.Networks
    let session, iterations = cell.Session, cell.Iterations
    let ours () = PerfWindow.around (fun () -> timed options.Iterations iterations.Next)
    iterations.Run(1 + options.Warmup)
    let peer =
        match referenceName architecture with
        | Some (variant, dim) ->
            try Some(new Peer(options, variant, dim, method.Name))
            with e ->
                eprintfn $"  reference: {e.Message}"
                None
        | None -> None
    use _ = { new IDisposable with member _.Dispose() = peer |> Option.iter (fun p -> (p :> IDisposable).Dispose()) }
    let rounds =
        match peer with
        | Some p -> alternating options.Rounds ours (fun () -> p.Time options.Iterations) |> List.map (fun (o, t) -> o, Some t)
        | None -> [ for _ in 1 .. options.Rounds -> ours (), None ]
    let theirs = rounds |> List.choose snd
    { Ours = summary (List.map fst rounds)
      Theirs = if theirs.IsEmpty then None else Some(summary theirs)
      Ratio = if theirs.IsEmpty then None else Some(summary [ for o, t in rounds do if t.IsSome then o / t.Value ])
      Logged = loggedRate generator critic latent method options
      GeneratorParameters = count session.State.Generator; CriticParameters = count session.State.Critic }

let private ratio (a: float) (b: float) = (a / b).ToString("F2")

/// PyTorch's configuration as the reference reports it, for the report.
let private describePeer (options: Options) =
    let architecture, method = List.head options.Architectures, List.head options.Methods
    match referenceName architecture with
    | None -> "no reference for these architectures"
    | Some (variant, dim) ->
        try
            use peer = new Peer({ options with Warmup = 0 }, variant, dim, method.Name)
            let c = peer.Configuration
            let text (name: string) = match c.GetProperty(name).ValueKind with JsonValueKind.Null -> "unset" | _ -> c.GetProperty(name).ToString()
            let torchVersion, threads, interop, blas = text "torch", text "threads", text "interop_threads", text "blas"
            let openblas, bind, places, mkldnn = text "openblas_num_threads", text "omp_proc_bind", text "omp_places", text "mkldnn"
            $"PyTorch {torchVersion} ({threads} intra-op threads, {interop} inter-op, BLAS {blas} with OPENBLAS_NUM_THREADS={openblas}, OMP_PROC_BIND={bind}, OMP_PLACES={places}, mkldnn {mkldnn})"
        with e -> $"PyTorch unavailable: {e.Message}"

/// A report's lines and the function that prints one and keeps it.
let private report () =
    let lines = Collections.Generic.List<string>()
    lines, fun (line: string) -> printfn "%s" line; lines.Add line

/// Where a timing's real batches come from, for a report.
let private describeData (options: Options) =
    match options.RealData with
    | Some (d, path) -> $"real batches of {d.Name} ({path})"
    | None -> "real batches are uniform noise"

/// Times every architecture × method on both sides and returns the report's lines (also printed as they come).
let run (options: Options) =
    let lines, say = report ()
    let data = describeData options + " on both sides"
    say $"## Training step: {options.Size}x{options.Size}x{options.Channels}, batch {options.BatchSize}, seconds per generator iteration"
    say ""
    say $"One generator iteration = one generator step + the method's critic steps; {options.Warmup} warm-up iteration(s), then {options.Rounds} rounds of {options.Iterations} iterations alternating ours and PyTorch's (which side goes first alternates too); medians with the (min–max) of the rounds; {data}."
    say $"Ours: {torch.get_num_threads ()} intra-op threads, TrainingSession.Iterate (the loop `wgangp run` runs). PyTorch: bench/reference.py --serve, {describePeer options}."
    say "\"logged\": the same cell through Trainer.Run with a run directory, seconds per iteration from its log.csv (what `run` records)."
    say ""
    say "| architecture | method | G params | D params | ours | PyTorch | ours / PyTorch | logged |"
    say "|---|---|---:|---:|---:|---:|---:|---:|"
    let mutable total, totalTheirs = 0.0, 0.0
    for architecture in options.Architectures do
        for method in options.Methods do
            let t = timeCell architecture method options
            let name = Names.architecture architecture
            let (m, _, _) = t.Ours
            total <- total + m
            let theirs, vs =
                match t.Theirs, t.Ratio with
                | Some th, Some r -> (let (tm, _, _) = th in totalTheirs <- totalTheirs + tm); medianText th, (let (rm, rl, rh) = r in $"{rm:F2} ({rl:F2}–{rh:F2})")
                | _ -> "n/a", "n/a"
            say $"| {name} | {method.Name} | {t.GeneratorParameters} | {t.CriticParameters} | {medianText t.Ours} | {theirs} | {vs} | {t.Logged:F3} |"
    say $"| all | all | | | **{total:F2}** | **{totalTheirs:F2}** | **{ratio total totalTheirs}** | |"
    say ""
    say "Ratios below 1 mean ours is faster. The last row sums the medians: one generator iteration of every cell above, one after the other."
    List.ofSeq lines

/// Times every architecture × method at each of the widths (the first the baseline), one after the other in this run,
/// and returns the report's lines (also printed as they come), with each matrix's total.
let widthCost (options: Options) =
    let lines, say = report ()
    let shape = [| int64 options.Channels; int64 options.Size; int64 options.Size |]
    let baseline = List.head options.Widths
    let widths = String.Join(", ", options.Widths |> List.map WganGp.Core.Nets.Figure2Width.Format)
    say $"## Width: {options.Size}x{options.Size}x{options.Channels}, batch {options.BatchSize}, seconds per generator iteration at widths {widths}"
    say ""
    say $"One generator iteration = one generator step + the method's critic steps; {options.Warmup} warm-up iteration(s), then the mean of {options.Iterations}."
    say $"{torch.get_num_threads ()} intra-op threads; real batches are uniform noise; width w builds every channel count from DIM = 64·w."
    say ""
    let header = String.Join(" | ", [ for w in options.Widths -> $"width {WganGp.Core.Nets.Figure2Width.Format w}" ] @ [ for w in List.tail options.Widths -> $"{WganGp.Core.Nets.Figure2Width.Format w} / {WganGp.Core.Nets.Figure2Width.Format baseline}" ])
    say $"| architecture | method | G params (per width) | {header} |"
    say ("|---|---|---:|" + String.replicate (2 * options.Widths.Length - 1) "---:|")
    let totals = Array.zeroCreate options.Widths.Length
    for architecture in options.Architectures do
        for method in options.Methods do
            let timings =
                [ for width in options.Widths ->
                      let generator, critic, latent = Cells.networks (withWidth width architecture) method WganGp.Core.Nets.InitScheme.Tflib shape
                      let steady, g, _ = bareLoop generator critic latent method (NoiseBatches shape) options
                      steady, g ]
            timings |> List.iteri (fun i (s, _) -> totals.[i] <- totals.[i] + s)
            let seconds = timings |> List.map (fun (s, _) -> $"{s:F3}")
            let ratios = [ for s, _ in List.tail timings -> ratio s (fst timings.Head) ]
            let counts = String.Join(" / ", timings |> List.map (fun (_, g) -> $"{g}"))
            let columns = String.Join(" | ", seconds @ ratios)
            say $"| {Names.architecture architecture} | {method.Name} | {counts} | {columns} |"
    let totalCells = [ for t in totals -> $"**{t:F2}**" ] @ [ for t in Array.tail totals -> $"**{ratio t totals.[0]}**" ]
    let totalColumns = String.Join(" | ", totalCells)
    say $"| all | all | | {totalColumns} |"
    say ""
    say "The last row sums the rows: seconds for one generator iteration of every cell above, one after the other."
    List.ofSeq lines

/// Times every architecture × method with the convolution route off (libtorch's kernels as they are) and on, one after
/// the other in this run, and returns the report's lines (also printed as they come).
let routeCost (options: Options) =
    let lines, say = report ()
    let timed mode architecture method =
        WganGp.Core.Numerics.ConvRoute.Use mode
        let shape = [| int64 options.Channels; int64 options.Size; int64 options.Size |]
        let generator, critic, latent = Cells.networks architecture method WganGp.Core.Nets.InitScheme.Tflib shape
        let steady, _, _ = bareLoop generator critic latent method (NoiseBatches shape) options
        steady
    let decided = WganGp.Core.Numerics.ConvRoute.Mode
    say $"## The convolution route: {options.Size}x{options.Size}x{options.Channels}, batch {options.BatchSize}, seconds per generator iteration"
    say ""
    say $"{options.Warmup} warm-up iteration(s), then the mean of {options.Iterations}, in two rounds alternating off and on; the faster round of each; {torch.get_num_threads ()} intra-op threads; real batches are uniform noise."
    say "Off: libtorch's kernels as they are (wrong numbers on CPUs where `wgangp doctor` reports faults); on: the route."
    say ""
    say "| architecture | method | route off | route on | on / off |"
    say "|---|---|---:|---:|---:|"
    try
        for architecture in options.Architectures do
            for method in options.Methods do
                // Two rounds, off and on alternating; the faster of each side's two, so a burst of load on a shared
                // machine counts against neither.
                let rounds =
                    [ for _ in 1 .. 2 ->
                          timed WganGp.Core.Numerics.ConvRouteMode.Off architecture method,
                          timed WganGp.Core.Numerics.ConvRouteMode.On architecture method ]
                let off, on = rounds |> List.map fst |> List.min, rounds |> List.map snd |> List.min
                say $"| {Names.architecture architecture} | {method.Name} | {off:F3} | {on:F3} | {ratio on off} |"
    finally
        WganGp.Core.Numerics.ConvRoute.Use decided
    List.ofSeq lines

/// Times every architecture × method in float32 and with bf16 convolutions (`--precision bf16`), each a training
/// session as `run` starts it, in rounds alternating the two (which goes first alternates too), and returns the
/// report's lines (also printed as they come).
let precisionCost (options: Options) =
    let lines, say = report ()
    let data = describeData options
    say $"## bf16 convolutions: {options.Size}x{options.Size}x{options.Channels}, batch {options.BatchSize}, seconds per generator iteration"
    say ""
    say $"Each cell as `run` trains it (TrainingSession.Iterate), once in float32 and once with `--precision bf16`; {options.Warmup} warm-up iteration(s), then {options.Rounds} rounds of {options.Iterations} iterations alternating the two (which goes first alternates too); medians with the (min–max) of the rounds; {torch.get_num_threads ()} intra-op threads; {data}."
    say ""
    say "| architecture | method | float32 | bf16 | float32 / bf16 |"
    say "|---|---|---:|---:|---:|"
    let mutable total, totalBf16 = 0.0, 0.0
    for architecture in options.Architectures do
        for method in options.Methods do
            let budget = 1 + options.Warmup + options.Rounds * options.Iterations
            let session precision =
                let data = batchesFor options
                data, new CellSession(architecture, method, itemShape options, data, options.BatchSize, budget, options.Seed, precision)
            let data32, single = session WganGp.Core.Numerics.Precision.Float32
            use _ = released data32
            use _ = single
            let data16, half = session WganGp.Core.Numerics.Precision.Bf16Convolutions
            use _ = released data16
            use _ = half
            single.Iterations.Run(1 + options.Warmup)
            half.Iterations.Run(1 + options.Warmup)
            let time (s: CellSession) = timed options.Iterations s.Iterations.Next
            let rounds = alternating options.Rounds (fun () -> time single) (fun () -> time half)
            let (f, _, _) as floats = summary (List.map fst rounds)
            let (h, _, _) as halves = summary (List.map snd rounds)
            let (speedup, lo, hi) = summary [ for a, b in rounds -> a / b ]
            total <- total + f
            totalBf16 <- totalBf16 + h
            say $"| {Names.architecture architecture} | {method.Name} | {medianText floats} | {medianText halves} | {speedup:F2} ({lo:F2}–{hi:F2}) |"
    say $"| all | all | **{total:F2}** | **{totalBf16:F2}** | **{ratio total totalBf16}** |"
    say ""
    say "Ratios above 1 mean bf16 is faster. The last row sums the medians."
    List.ofSeq lines

/// gan_toy.py's setup written as directly as TorchSharp allows: 2-512-512-512-{2,1} ReLU MLPs, Adam(1e-4, β = (0.5,
/// 0.9)), λ = 0.1, 5 critic steps of batch 256 on 8 Gaussians, each step in a dispose scope; what the trainer's toy cell
/// is compared with (its own overhead, not libtorch's).
type private MinimalToyLoop(seed: int64) =
    let mlp (output: int64) =
        torch.nn.Sequential(
            torch.nn.Linear(2L, 512L), torch.nn.ReLU(), torch.nn.Linear(512L, 512L), torch.nn.ReLU(),
            torch.nn.Linear(512L, 512L), torch.nn.ReLU(), torch.nn.Linear(512L, output))
    do torch.manual_seed seed |> ignore
    let g, d = mlp 2L, mlp 1L
    let gOpt = torch.optim.Adam(g.parameters(), 1e-4, 0.5, 0.9)
    let dOpt = torch.optim.Adam(d.parameters(), 1e-4, 0.5, 0.9)
    let data = WganGp.Core.Data.ToyDataset.Create(WganGp.Core.Data.ToyKind.EightGaussians, seed)
    let batch = 256
    member _.Iteration() =
        (use _ = torch.NewDisposeScope()
         for p in d.parameters() do p.requires_grad <- false
         let loss = -(d.call(g.call(torch.randn(int64 batch, 2L))).mean())
         gOpt.zero_grad()
         loss.backward()
         gOpt.step() |> ignore
         for p in d.parameters() do p.requires_grad <- true)
        for _ in 1 .. 5 do
            use _ = torch.NewDisposeScope()
            let real = data.NextBatch batch
            let fake = (use _ = torch.no_grad() in g.call(torch.randn(int64 batch, 2L)))
            let eps = torch.rand(int64 batch, 1L)
            let x = (eps * real + (1.0f - eps) * fake).detach().requires_grad_(true)
            let out = d.call x
            let grad = torch.autograd.grad([| out |], [| x |], [| torch.ones_like out |], retain_graph = true, create_graph = true).[0]
            let penalty = 0.1f * (grad.norm(1, false, 2.0f) - 1.0f).square().mean()
            let loss = d.call(fake).mean() - d.call(real).mean() + penalty
            dOpt.zero_grad()
            loss.backward()
            dOpt.step() |> ignore
            loss.item<float32>() |> ignore
    interface IDisposable with
        member _.Dispose() =
            gOpt.Dispose(); dOpt.Dispose(); g.Dispose(); d.Dispose(); data.Dispose()

/// The toy cell's row in `toyCost`'s report (what `bench profile --toy` reads its seconds from).
let toyRow = "8gaussians-mlp512x4 wgan-gp"

/// The toy cell (gan_toy.py's WGAN-GP) through the trainer's loop against the minimal TorchSharp loop, in alternating
/// rounds; the report's lines.
let toyCost (options: Options) =
    let lines, say = report ()
    let method = Paper.Toy.wganGp
    let generator, critic, latent = Cells.networks Paper.Toy.mlp method WganGp.Core.Nets.InitScheme.Tflib [| 2L |]
    use data = WganGp.Core.Data.ToyDataset.Create(WganGp.Core.Data.ToyKind.EightGaussians, 1L)
    let budget = 1 + options.Warmup + options.Rounds * options.Iterations
    use session = TrainingSession.Start(TrainConfig(generator, critic, latent, data, method, budget, 256, int64 options.Seed))
    use _ = session.State.Generator
    use _ = session.State.Critic
    use minimal = new MinimalToyLoop(int64 options.Seed)
    let iterations = SessionIterations session
    let ours () = PerfWindow.around (fun () -> timed options.Iterations iterations.Next)
    let bare () = timed options.Iterations minimal.Iteration
    for _ in 0 .. options.Warmup do
        iterations.Next()
        minimal.Iteration()
    let rounds = [ for r in 1 .. options.Rounds -> if r % 2 = 0 then (let b = bare () in ours (), b) else (let o = ours () in o, bare ()) ]
    let (om, ol, oh), (bm, bl, bh) = summary (List.map fst rounds), summary (List.map snd rounds)
    let (rm, rl, rh) = summary [ for o, b in rounds -> o / b ]
    say "## The toy cell against a minimal TorchSharp loop"
    say ""
    say $"gan_toy.py's WGAN-GP (2-512-512-512 ReLU MLPs, batch 256, 5 critic steps, λ 0.1, Adam): seconds per generator iteration, {options.Warmup} warm-up iteration(s), then {options.Rounds} rounds of {options.Iterations} alternating the two (which goes first alternates); medians with (min–max); {torch.get_num_threads ()} threads."
    say ""
    say "| toy cell | trainer (TrainingSession.Iterate) | minimal TorchSharp loop | trainer / minimal |"
    say "|---|---:|---:|---:|"
    say $"| {toyRow} | {om:F4} ({ol:F4}–{oh:F4}) | {bm:F4} ({bl:F4}–{bh:F4}) | {rm:F3} ({rl:F3}–{rh:F3}) |"
    List.ofSeq lines
