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
    { /// Seconds per generator iteration through Trainer.Run (what a grid cell costs).
      Trainer: float
      /// Seconds per generator iteration of a bare loop over the method's steps.
      Bare: float
      GeneratorParameters: int64
      CriticParameters: int64 }

let private count (m: torch.nn.Module) = m.parameters() |> Seq.sumBy (fun p -> p.numel())

/// The same iteration the trainer runs (one generator step, then the critic steps, each in its own dispose scope),
/// without logging or bookkeeping.
let private bareLoop (generator: Func<Net>) (critic: Func<Net>) latent (method: Method) (data: IBatchSource) options =
    torch.manual_seed (int64 options.Seed) |> ignore
    use g = generator.Invoke()
    use d = critic.Invoke()
    use gOpt = method.Optimizer.Create(g.parameters())
    use dOpt = method.Optimizer.Create(d.parameters())
    let ctx = StepContext(g, d, gOpt, dOpt, (fun () -> data.NextBatch options.BatchSize), (fun () -> torch.randn(int64 options.BatchSize, int64 latent)))
    let iteration () =
        (use _ = torch.NewDisposeScope()
         method.GeneratorStep ctx |> ignore)
        for _ in 1 .. method.CriticIterations do
            use _ = torch.NewDisposeScope()
            method.CriticStep(ctx, false, false) |> ignore
    for _ in 1 .. options.Warmup do iteration ()
    let clock = Stopwatch.StartNew()
    for _ in 1 .. options.Iterations do iteration ()
    clock.Elapsed.TotalSeconds / float options.Iterations, count g, count d

/// Through the trainer, logging every iteration as grid cells do; timed from the end of the warm-up iterations.
let private trainerLoop (generator: Func<Net>) (critic: Func<Net>) latent (method: Method) (data: IBatchSource) options =
    let marks = Collections.Generic.Dictionary<int, float>()
    let config = TrainConfig(generator, critic, latent, data, method, options.Warmup + options.Iterations + 1, options.BatchSize, int64 options.Seed)
    use _ = Trainer.Run(config, Action<IterationStats>(fun s -> marks[s.Iteration] <- s.Seconds))
    // Iteration 0 has no generator step; iterations 1..warmup warm up; the next `Iterations` are timed.
    (marks[options.Warmup + options.Iterations] - marks[options.Warmup]) / float options.Iterations

let timeOurs (architecture: Architecture) (method: Method) (options: Options) =
    let shape = [| int64 options.Channels; int64 options.Size; int64 options.Size |]
    let generator, critic, latent = Cells.networks architecture method shape
    let data = NoiseBatches shape
    let bare, gCount, dCount = bareLoop generator critic latent method data options
    let trainer = trainerLoop generator critic latent method data options
    { Trainer = trainer; Bare = bare; GeneratorParameters = gCount; CriticParameters = dCount }

type Reference = { Seconds: float; GeneratorParameters: int64; CriticParameters: int64; Torch: string; Blas: string }

/// Runs bench/reference.py for one cell and reads its JSON line; an error message when Python or torch is missing.
let timeReference (variant: string) (methodName: string) (options: Options) : Result<Reference, string> =
    let start =
        ProcessStartInfo(options.Python,
                         [ options.Reference; "--architectures"; variant; "--methods"; methodName
                           "--size"; string options.Size; "--channels"; string options.Channels; "--batch"; string options.BatchSize
                           "--iterations"; string options.Iterations; "--warmup"; string options.Warmup
                           "--threads"; string (torch.get_num_threads ()); "--seed"; string options.Seed ],
                         RedirectStandardOutput = true, RedirectStandardError = true)
    try
        use p = Process.Start start
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
