/// `wgangp bench data|step|profile|cost|metrics`: measurements printed side by side from one run (benchmarks, not tests).
module WganGp.Experiments.BenchCommand

open System
open Argu
open TorchSharp
open WganGp.Experiments.Dsl

type DataBenchArgs =
    | Folder of path: string
    | Lmdb of path: string
    | Images of count: int
    | Size of pixels: int
    | Batch_Size of count: int
    | Decode_Threads of counts: int list
    | Iterations of count: int
    | Seed of seed: int
    | Report of markdown: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Folder _ -> "a folder of images to read (default: synthesised LSUN-like JPEGs)"
            | Lmdb _ -> "an LMDB database of encoded images, e.g. LSUN's bedroom_train_lmdb (default: synthesised WebP)"
            | Images _ -> "photos to synthesise when no data is given (default 256)"
            | Size _ -> "output resolution (default 64)"
            | Batch_Size _ -> "batch size (default 64)"
            | Decode_Threads _ -> "decoding thread counts to compare (default: 1 and all cores)"
            | Iterations _ -> "generator iterations of the DCGAN training measurement (default 10)"
            | Seed _ -> "seed for synthesis, sampling and training (default 0)"
            | Report _ -> "also write the report (markdown) to this file, with the command that made it"

type StepBenchArgs =
    | Architectures of names: string list
    | Methods of names: string list
    | Size of pixels: int
    | Channels of count: int
    | Batch_Size of count: int
    | Iterations of count: int
    | Warmup of count: int
    | Python of path: string
    | Report of markdown: string
    | Conv_Route
    | Bf16
    | Widths of multipliers: float list
    | Rounds of count: int
    | Noise
    | Toy
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Toy -> "instead of the Figure 2 cells, the toy cell (gan_toy.py's WGAN-GP) against a minimal TorchSharp loop"
            | Rounds _ -> "rounds alternating ours and PyTorch's per cell, each --iterations long (default 3)"
            | Noise -> "uniform noise as real batches even when Fashion-MNIST is installed"
            | Conv_Route -> "instead of PyTorch, time each cell with the convolution route off and on (WGANGP_CONV_ROUTE), side by side"
            | Bf16 -> "instead of PyTorch, time each cell in float32 and with bf16 convolutions (`run --precision bf16`), in alternating rounds"
            | Widths _ -> "width multipliers of the channel counts (DIM = 64 x w; default 1); with two or more, instead of PyTorch, time each cell at every width side by side, as ratios to the first"
            | Architectures _ -> "Figure 2 rows by name (dcgan constant-g mlp-g no-norm gated tanh resnet101; default: all)"
            | Methods _ -> "methods by name (wgan-gp wgan-clip dcgan lsgan; default: all)"
            | Size _ -> "resolution (default 32)"
            | Channels _ -> "image channels (default 3)"
            | Batch_Size _ -> "batch size (default 16)"
            | Iterations _ -> "timed generator iterations per round (default 2)"
            | Warmup _ -> "untimed generator iterations first (default 1)"
            | Python _ -> "python with torch for bench/reference.py (default /usr/bin/python3)"
            | Report _ -> "also write the report (markdown) to this file, with the command that made it"

type ProfileBenchArgs =
    | Architectures of names: string list
    | Methods of names: string list
    | Size of pixels: int
    | Channels of count: int
    | Batch_Size of count: int
    | Widths of multipliers: float list
    | Iterations of count: int
    | Warmup of count: int
    | Toy
    | Report of markdown: string
    | Figure of png: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Architectures _ -> "Figure 2 rows by name (default: dcgan)"
            | Methods _ -> "methods by name (default: wgan-gp dcgan)"
            | Size _ -> "resolution (default 32)"
            | Channels _ -> "image channels (default 1)"
            | Batch_Size _ -> "batch size (default 64)"
            | Widths _ -> "width multipliers, each a row per cell (default 0.25 1)"
            | Iterations _ -> "timed generator iterations per cell (default 20)"
            | Warmup _ -> "untimed generator iterations first (default 3)"
            | Toy -> "also the toy cell (gan_toy.py's WGAN-GP, batch 256), after the Figure 2 cells"
            | Report _ -> "also write the report (markdown) to this file, with the command that made it"
            | Figure _ -> "also draw the shares by kind (PNG)"

type CostBenchArgs =
    | Architectures of names: string list
    | Methods of names: string list
    | Batches of counts: int list
    | Widths of multipliers: float list
    | Size of pixels: int
    | Channels of count: int
    | Iterations of count: int
    | Warmup of count: int
    | Rounds of count: int
    | Max_Seconds of seconds: float
    | Noise
    | Csv of path: string
    | Figure of png: string
    | Redraw of csv: string
    | Report of markdown: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Architectures _ -> "Figure 2 rows by name (default: dcgan resnet101)"
            | Methods _ -> "methods by name (default: wgan-gp dcgan)"
            | Batches _ -> "batch sizes (default 16 32 64 128 256)"
            | Widths _ -> "width multipliers of the channel counts, DIM = 64 x w (default 0.25 0.5 1)"
            | Size _ -> "resolution (default 32)"
            | Channels _ -> "image channels (default 1)"
            | Iterations _ -> "timed generator iterations per configuration per round (default 2)"
            | Warmup _ -> "untimed generator iterations after iteration 0 (default 1)"
            | Rounds _ -> "rounds, each timing every configuration once, the order reversed every other round (default 2)"
            | Max_Seconds _ -> "skip a configuration (and those at least as large) whose iteration 0 or first warm-up iteration takes longer (default 60)"
            | Noise -> "uniform noise as real batches even when Fashion-MNIST is installed"
            | Csv _ -> "also write a row per configuration (CSV)"
            | Figure _ -> "also draw seconds per iteration and ms per sample against the batch, a line per width (PNG)"
            | Redraw _ -> "time nothing: draw --figure again from a CSV an earlier `bench cost --csv` wrote"
            | Report _ -> "also write the report (markdown) to this file, with the command that made it"

type MetricBenchArgs =
    | Sizes of counts: int list
    | Seed of seed: int
    | Python of path: string
    | Report of markdown: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Sizes _ -> "sample counts N (generated and reference each; default 10000 50000)"
            | Seed _ -> "seed of the random features (default 0)"
            | Python _ -> "python with scipy for bench/metric_sqrtm.py (default /usr/bin/python3)"
            | Report _ -> "also write the report (markdown) to this file, with the command that made it"

type BenchArgs =
    | [<CliPrefix(CliPrefix.None)>] Data of ParseResults<DataBenchArgs>
    | [<CliPrefix(CliPrefix.None)>] Step of ParseResults<StepBenchArgs>
    | [<CliPrefix(CliPrefix.None)>] Metrics of ParseResults<MetricBenchArgs>
    | [<CliPrefix(CliPrefix.None)>] Profile of ParseResults<ProfileBenchArgs>
    | [<CliPrefix(CliPrefix.None)>] Cost of ParseResults<CostBenchArgs>
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Cost _ -> "how seconds per generator iteration grow with the batch and the width: where the cost is overhead-bound and where compute-bound"
            | Profile _ -> "where each cell's iteration time goes by kind of work (Linux perf), its FLOPs and GFLOP/s against this machine's measured peaks"
            | Metrics _ -> "time and peak memory of statistics, FID (and its matrix square root beside scipy's), IS and KID at 10k and 50k samples"
            | Step _ -> "seconds per generator iteration of each Figure 2 row x method, beside PyTorch's, and the trainer's overhead"
            | Data _ -> "images/s decoded from LMDB and folders, and the share of a 64x64 DCGAN step spent waiting for data"

/// The values named on the command line, each found by `name` among `all`; an unknown one is an error listing them.
let private byName (names: string list) (all: 'a list) (name: 'a -> string) (what: string) =
    names |> List.map (fun n ->
        match all |> List.tryFind (fun a -> name a = n) with
        | Some a -> a
        | None ->
            let known = String.Join(", ", all |> List.map name)
            failwith $"unknown {what} '{n}'; known: {known}")

/// `wgangp bench …`.
let run (b: ParseResults<BenchArgs>) : Cli.Exit =
    match b.GetSubCommand() with
    | BenchArgs.Data d ->
        Cli.refuse [
            Cli.atLeast 1 "--images" (d.TryGetResult DataBenchArgs.Images)
            Cli.atLeast 1 "--size" (d.TryGetResult DataBenchArgs.Size)
            Cli.atLeast 1 "--batch-size" (d.TryGetResult DataBenchArgs.Batch_Size)
            Cli.atLeast 1 "--iterations" (d.TryGetResult DataBenchArgs.Iterations)
            d.TryGetResult DataBenchArgs.Decode_Threads |> Option.bind (List.tryFind (fun t -> t < 1))
            |> Option.map (fun t -> $"--decode-threads {t}: expected whole numbers of at least 1") ]
        torch.set_num_threads Environment.ProcessorCount
        let options: DataBench.Options =
            { Folder = d.TryGetResult DataBenchArgs.Folder; Lmdb = d.TryGetResult DataBenchArgs.Lmdb
              Images = d.GetResult(DataBenchArgs.Images, defaultValue = 256); Size = d.GetResult(DataBenchArgs.Size, defaultValue = 64)
              BatchSize = d.GetResult(DataBenchArgs.Batch_Size, defaultValue = 64)
              Threads = d.GetResult(DataBenchArgs.Decode_Threads, defaultValue = List.distinct [ 1; Environment.ProcessorCount ])
              Iterations = d.GetResult(DataBenchArgs.Iterations, defaultValue = 10); Seed = d.GetResult(DataBenchArgs.Seed, defaultValue = 0) }
        DataBench.run options |> Cli.writeReport (d.TryGetResult DataBenchArgs.Report)
        Cli.Exit.Ok
    | BenchArgs.Step s ->
        Cli.refuse [
            Cli.atLeast 1 "--size" (s.TryGetResult StepBenchArgs.Size)
            Cli.oneOf [ 1; 3 ] "--channels" (s.TryGetResult StepBenchArgs.Channels)
            Cli.atLeast 1 "--batch-size" (s.TryGetResult StepBenchArgs.Batch_Size)
            Cli.atLeast 1 "--iterations" (s.TryGetResult StepBenchArgs.Iterations)
            Cli.atLeast 0 "--warmup" (s.TryGetResult StepBenchArgs.Warmup)
            Cli.atLeast 1 "--rounds" (s.TryGetResult StepBenchArgs.Rounds)
            if s.Contains StepBenchArgs.Bf16 then Cli.precision "--bf16" None (Some "bf16")
            for w in s.GetResult(StepBenchArgs.Widths, defaultValue = []) do
                for v in Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() do
                    WganGp.Core.Nets.Figure2Width.Check(v, s.GetResult(StepBenchArgs.Size, defaultValue = 32), w) |> Option.ofObj |> Option.map (fun p -> $"--widths: {p}") ]
        torch.set_num_threads Environment.ProcessorCount
        let variants = Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() |> List.ofArray
        let size, channels = s.GetResult(StepBenchArgs.Size, defaultValue = 32), s.GetResult(StepBenchArgs.Channels, defaultValue = 3)
        let architectures =
            match s.TryGetResult StepBenchArgs.Architectures with
            | None -> variants
            | Some names -> byName names variants Names.figure2 "architecture"
        let methods =
            match s.TryGetResult StepBenchArgs.Methods with
            | None -> Paper.Lsun.methods
            | Some names -> byName names Paper.Lsun.methods (fun m -> m.Name) "method"
        let widths = s.GetResult(StepBenchArgs.Widths, defaultValue = [ 1.0 ])
        let options: StepBench.Options =
            { Architectures = architectures |> List.map (fun v -> Figure2(v, size, channels, List.head widths)); Methods = methods
              Widths = widths
              Size = size; Channels = channels; BatchSize = s.GetResult(StepBenchArgs.Batch_Size, defaultValue = 16)
              Iterations = s.GetResult(StepBenchArgs.Iterations, defaultValue = 2); Warmup = s.GetResult(StepBenchArgs.Warmup, defaultValue = 1)
              Seed = 0; Python = s.GetResult(StepBenchArgs.Python, defaultValue = "/usr/bin/python3")
              Reference = IO.Path.Combine(Cli.repositoryRoot (), "bench", "reference.py")
              Rounds = s.GetResult(StepBenchArgs.Rounds, defaultValue = 3)
              // The real images `run` trains these cells on, when they are installed and the cells take them.
              RealData = StepBench.installedReal (s.Contains StepBenchArgs.Noise) size channels }
        (if s.Contains StepBenchArgs.Toy then StepBench.toyCost options
         elif s.Contains StepBenchArgs.Conv_Route then StepBench.routeCost options
         elif s.Contains StepBenchArgs.Bf16 then StepBench.precisionCost options
         elif widths.Length > 1 then StepBench.widthCost options
         else StepBench.run options)
        |> Cli.writeReport (s.TryGetResult StepBenchArgs.Report)
        Cli.Exit.Ok
    | BenchArgs.Profile p ->
        Cli.refuse [
            Cli.atLeast 1 "--size" (p.TryGetResult ProfileBenchArgs.Size)
            Cli.oneOf [ 1; 3 ] "--channels" (p.TryGetResult ProfileBenchArgs.Channels)
            Cli.atLeast 1 "--batch-size" (p.TryGetResult ProfileBenchArgs.Batch_Size)
            Cli.atLeast 1 "--iterations" (p.TryGetResult ProfileBenchArgs.Iterations)
            Cli.atLeast 0 "--warmup" (p.TryGetResult ProfileBenchArgs.Warmup) ]
        torch.set_num_threads Environment.ProcessorCount
        let variants = Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() |> List.ofArray
        let size, channels = p.GetResult(ProfileBenchArgs.Size, defaultValue = 32), p.GetResult(ProfileBenchArgs.Channels, defaultValue = 1)
        let rows = byName (p.GetResult(ProfileBenchArgs.Architectures, defaultValue = [ "dcgan" ])) variants Names.figure2 "architecture"
        let options: ProfileBench.Options =
            { Architectures = [ for w in p.GetResult(ProfileBenchArgs.Widths, defaultValue = [ 0.25; 1.0 ]) do for v in rows -> Figure2(v, size, channels, w) ]
              Methods = byName (p.GetResult(ProfileBenchArgs.Methods, defaultValue = [ "wgan-gp"; "dcgan" ])) Paper.Lsun.methods (fun m -> m.Name) "method"
              Size = size; Channels = channels; BatchSize = p.GetResult(ProfileBenchArgs.Batch_Size, defaultValue = 64)
              Iterations = p.GetResult(ProfileBenchArgs.Iterations, defaultValue = 20); Warmup = p.GetResult(ProfileBenchArgs.Warmup, defaultValue = 3)
              Toy = p.Contains ProfileBenchArgs.Toy
              Figure = p.TryGetResult ProfileBenchArgs.Figure }
        ProfileBench.run options |> Cli.writeReport (p.TryGetResult ProfileBenchArgs.Report)
        Cli.Exit.Ok
    | BenchArgs.Cost c ->
        let size = c.GetResult(CostBenchArgs.Size, defaultValue = 32)
        let variants = Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() |> List.ofArray
        let rows = byName (c.GetResult(CostBenchArgs.Architectures, defaultValue = [ "dcgan"; "resnet101" ])) variants Names.figure2 "architecture"
        let batches = c.GetResult(CostBenchArgs.Batches, defaultValue = [ 16; 32; 64; 128; 256 ])
        let widths = c.GetResult(CostBenchArgs.Widths, defaultValue = [ 0.25; 0.5; 1.0 ])
        let methods = c.GetResult(CostBenchArgs.Methods, defaultValue = [ "wgan-gp"; "dcgan" ])
        // A flag given without values would leave the grid empty.
        let given (flag: string) (count: int) = if count = 0 then Some $"{flag}: expected one or more values" else None
        Cli.refuse [
            given "--architectures" rows.Length
            given "--methods" methods.Length
            given "--batches" batches.Length
            given "--widths" widths.Length
            Cli.atLeast 1 "--size" (c.TryGetResult CostBenchArgs.Size)
            Cli.oneOf [ 1; 3 ] "--channels" (c.TryGetResult CostBenchArgs.Channels)
            for b in batches do Cli.atLeast 1 "--batches" (Some b)
            Cli.atLeast 1 "--iterations" (c.TryGetResult CostBenchArgs.Iterations)
            Cli.atLeast 0 "--warmup" (c.TryGetResult CostBenchArgs.Warmup)
            Cli.atLeast 1 "--rounds" (c.TryGetResult CostBenchArgs.Rounds)
            Cli.positive "--max-seconds" (c.TryGetResult CostBenchArgs.Max_Seconds)
            for w in widths do
                for v in rows do WganGp.Core.Nets.Figure2Width.Check(v, size, w) |> Option.ofObj |> Option.map (fun p -> $"--widths: {p}") ]
        let channels = c.GetResult(CostBenchArgs.Channels, defaultValue = 1)
        let options: CostBench.Options =
            { Architectures = rows |> List.map (fun v -> Figure2(v, size, channels, 1.0))
              Methods = byName methods Paper.Lsun.methods (fun m -> m.Name) "method"
              Batches = List.distinct batches; Widths = List.distinct widths; Size = size; Channels = channels
              Iterations = c.GetResult(CostBenchArgs.Iterations, defaultValue = 2); Warmup = c.GetResult(CostBenchArgs.Warmup, defaultValue = 1)
              Rounds = c.GetResult(CostBenchArgs.Rounds, defaultValue = 2); MaxSeconds = c.GetResult(CostBenchArgs.Max_Seconds, defaultValue = 60.0)
              Seed = 0
              RealData = StepBench.installedReal (c.Contains CostBenchArgs.Noise) size channels
              Csv = c.TryGetResult CostBenchArgs.Csv; Figure = c.TryGetResult CostBenchArgs.Figure }
        match c.TryGetResult CostBenchArgs.Redraw, c.TryGetResult CostBenchArgs.Figure with
        | Some _, None -> Cli.refuse [ Some "--redraw needs --figure PNG (the figure to draw)" ]
        | Some csv, Some png -> CostBench.redraw csv png options
        | None, _ ->
            torch.set_num_threads Environment.ProcessorCount
            CostBench.run options |> Cli.writeReport (c.TryGetResult CostBenchArgs.Report)
        Cli.Exit.Ok
    | BenchArgs.Metrics m ->
        Cli.refuse [
            m.TryGetResult Sizes |> Option.bind (List.tryFind (fun n -> n < 2))
            |> Option.map (fun n -> $"--sizes {n}: expected sample counts of at least 2") ]
        torch.set_num_threads Environment.ProcessorCount
        let options: MetricBench.Options =
            { Sizes = m.GetResult(Sizes, defaultValue = [ 10000; 50000 ]); Dim = 2048; Classes = 1008
              Seed = m.GetResult(MetricBenchArgs.Seed, defaultValue = 0)
              Python = m.GetResult(MetricBenchArgs.Python, defaultValue = "/usr/bin/python3")
              Reference = IO.Path.Combine(Cli.repositoryRoot (), "bench", "metric_sqrtm.py") }
        MetricBench.run options |> Cli.writeReport (m.TryGetResult MetricBenchArgs.Report)
        Cli.Exit.Ok
