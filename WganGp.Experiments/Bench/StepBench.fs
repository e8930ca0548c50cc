/// `wgangp bench step`: seconds per generator iteration (one generator step and the method's critic steps) of each
/// matrix architecture × method, beside the same step in PyTorch (bench/reference.py, run with Debian's python3-torch)
/// in the same run, as a ratio; and the trainer's own overhead (logging, bookkeeping) against a bare loop of the
/// method's steps.
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
      Reference: string }

type private Net = torch.nn.Module<torch.Tensor, torch.Tensor>

/// Uniform noise in [-1, 1] as real batches: the data pipeline is measured by `bench data`, not here.
type private NoiseBatches(shape: int64[]) =
    interface IBatchSource with
        member _.Name = "uniform noise"
        member _.ItemShape = shape
        member _.NextBatch(batchSize) = torch.rand(Array.append [| int64 batchSize |] shape) * 2.0f - 1.0f

type Timing =
    { /// Seconds per generator iteration (with its critic steps) after the warm-up.
      Steady: float
      /// The share of Trainer.Run's iteration loop spent outside the method's steps.
      Overhead: float
      GeneratorParameters: int64
      CriticParameters: int64 }

let private count (m: torch.nn.Module) = m.parameters() |> Seq.sumBy (fun p -> p.numel())

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

/// The same run through Trainer.Run as a grid cell of the paper's budget runs it (logging every 200th iteration, so
/// here the first and the last); returns the share of its loop spent outside the method's steps.
let private trainerOverhead (generator: Func<Net>) (critic: Func<Net>) latent (method: Method) (data: IBatchSource) options =
    let iterations = 1 + options.Warmup + options.Iterations
    let config = TrainConfig(generator, critic, latent, data, method, iterations, options.BatchSize, int64 options.Seed, LogEvery = 200)
    use result = Trainer.Run config
    1.0 - result.StepSeconds / result.LoopSeconds

let timeOurs (architecture: Architecture) (method: Method) (options: Options) =
    let shape = [| int64 options.Channels; int64 options.Size; int64 options.Size |]
    let generator, critic, latent = Cells.networks architecture method WganGp.Core.Nets.InitScheme.Tflib shape
    let data = NoiseBatches shape
    let steady, gCount, dCount = bareLoop generator critic latent method data options
    { Steady = steady; Overhead = trainerOverhead generator critic latent method data options
      GeneratorParameters = gCount; CriticParameters = dCount }

type Reference = { Seconds: float; GeneratorParameters: int64; CriticParameters: int64; Torch: string; Blas: string }

/// Runs bench/reference.py for one cell and reads its JSON line; an error message when Python or torch is missing.
let timeReference (variant: string, dim: int) (methodName: string) (options: Options) : Result<Reference, string> =
    let start =
        ProcessStartInfo(options.Python,
                         [ options.Reference; "--architectures"; variant; "--dim"; string dim; "--methods"; methodName
                           "--size"; string options.Size; "--channels"; string options.Channels; "--batch"; string options.BatchSize
                           "--iterations"; string options.Iterations; "--warmup"; string options.Warmup
                           "--threads"; string (torch.get_num_threads ()); "--seed"; string options.Seed ],
                         RedirectStandardOutput = true, RedirectStandardError = true)
    try
        match Process.Start start with
        | null -> Error $"cannot start {options.Python}"
        | p ->
            use p = p
            let out = p.StandardOutput.ReadToEnd()
            let err = p.StandardError.ReadToEnd()
            p.WaitForExit()
            if p.ExitCode <> 0 then Error $"{options.Reference} failed ({p.ExitCode}): {err.Trim()}"
            else
                use json = JsonDocument.Parse(out.Trim().Split('\n') |> Array.last)
                let r = json.RootElement
                Ok { Seconds = r.GetProperty("seconds_per_iteration").GetDouble()
                     GeneratorParameters = r.GetProperty("generator_parameters").GetInt64()
                     CriticParameters = r.GetProperty("critic_parameters").GetInt64()
                     Torch = r.GetProperty("torch").GetString() |> nonNull
                     Blas = r.GetProperty("blas").GetString() |> nonNull }
    with :? ComponentModel.Win32Exception as e -> Error $"cannot start {options.Python}: {e.Message} (apt-get install python3-torch libopenblas0-pthread)"

/// bench/reference.py's name of a Figure 2 variant (the same names as ours) and its DIM.
let referenceName =
    function
    | Figure2 (variant, _, _, width) -> Some(Names.figure2 variant, WganGp.Core.Nets.Figure2Width.Dim width)
    | _ -> None

let private ratio (a: float) (b: float) = (a / b).ToString("F2")

/// Times every architecture × method on both sides and returns the report's lines (also printed as they come).
let run (options: Options) =
    let lines = Collections.Generic.List<string>()
    let say (line: string) = printfn "%s" line; lines.Add line
    say $"## Training step: {options.Size}x{options.Size}x{options.Channels}, batch {options.BatchSize}, seconds per generator iteration"
    say ""
    say $"One generator iteration = one generator step + the method's critic steps; {options.Warmup} warm-up iteration(s), then the mean of {options.Iterations}."
    say $"Both sides on this machine in this run, {torch.get_num_threads ()} intra-op threads each; real batches are uniform noise."
    say ""
    say "| architecture | method | G params | D params | ours | PyTorch | ours / PyTorch | trainer overhead |"
    say "|---|---|---:|---:|---:|---:|---:|---:|"
    let mutable versions = ""
    for architecture in options.Architectures do
        for method in options.Methods do
            let ours = timeOurs architecture method options
            let name = Names.architecture architecture
            let reference =
                match referenceName architecture with
                | None -> Error "no reference"
                | Some variant -> timeReference variant method.Name options
            let overhead = 100.0 * ours.Overhead
            let theirs, vs =
                match reference with
                | Ok r when r.GeneratorParameters <> ours.GeneratorParameters || r.CriticParameters <> ours.CriticParameters ->
                    $"{r.Seconds:F3} (params {r.GeneratorParameters}/{r.CriticParameters} differ)", "n/a"
                | Ok r ->
                    versions <- $"PyTorch {r.Torch} with {r.Blas}"
                    $"{r.Seconds:F3}", ratio ours.Steady r.Seconds
                | Error e ->
                    eprintfn $"  reference: {e}"
                    "n/a", "n/a"
            say $"| {name} | {method.Name} | {ours.GeneratorParameters} | {ours.CriticParameters} | {ours.Steady:F3} | {theirs} | {vs} | {overhead:F1}%% |"
    say ""
    say $"Reference: bench/reference.py on {versions}. Ratios below 1 mean ours is faster. The trainer overhead is the"
    say "share of Trainer.Run's iteration loop spent outside the method's steps (learning-rate schedule, logging,"
    say "bookkeeping), in a run logging as a paper-budget cell does (every 200th iteration: here the first and the last)."
    List.ofSeq lines

/// Times every architecture × method at each of the widths (the first the baseline), one after the other in this run,
/// and returns the report's lines (also printed as they come), with each matrix's total.
let widthCost (options: Options) =
    let lines = Collections.Generic.List<string>()
    let say (line: string) = printfn "%s" line; lines.Add line
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
    let lines = Collections.Generic.List<string>()
    let say (line: string) = printfn "%s" line; lines.Add line
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
