/// `wgangp bench metrics`: time and peak memory of the metric mathematics on CPU at the sample counts the paper's
/// protocol uses (10k, 50k): feature statistics, FID (and its 2048×2048 matrix square root alone, beside scipy's
/// `sqrtm` on the same matrices), IS over 1008 logits and KID at torch-fidelity's defaults. Feature extraction is not
/// included (it is the Inception network's cost); the features are random.
module WganGp.Experiments.MetricBench

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open TorchSharp
open WganGp.Core.Metrics

type Options =
    { Sizes: int list
      Dim: int
      Classes: int
      Seed: int
      Python: string
      /// bench/metric_sqrtm.py
      Reference: string }

/// A field of /proc/self/status in KiB (VmRSS, VmHWM), or None off Linux.
let private status (field: string) =
    try
        File.ReadLines "/proc/self/status"
        |> Seq.tryFind (fun l -> l.StartsWith(field + ":", StringComparison.Ordinal))
        |> Option.map (fun l -> int64 (l.Substring(field.Length + 1).Trim().Split(' ').[0]))
    with _ -> None

/// Resets the kernel's peak-RSS mark to the current RSS (Linux ≥ 4.0); false where that is not allowed.
let private resetPeak () =
    try
        File.WriteAllText("/proc/self/clear_refs", "5")
        true
    with _ -> false

type private Measured<'a> = { Value: 'a; Seconds: float; PeakMiB: float option }

/// Runs f once: its wall-clock time and its peak resident memory (managed and native together) above the RSS
/// before it started.
let private measure (f: unit -> 'a) =
    GC.Collect()
    GC.WaitForPendingFinalizers()
    let before = status "VmRSS"
    let resettable = resetPeak ()
    let clock = Stopwatch.StartNew()
    let value = f ()
    let seconds = clock.Elapsed.TotalSeconds
    let peak =
        match before, status "VmHWM" with
        | Some b, Some p when resettable -> Some(float (p - b) / 1024.0)
        | _ -> None
    { Value = value; Seconds = seconds; PeakMiB = peak }

type private Scipy = { Seconds: float; Trace: float; Versions: string }

/// scipy's Tr sqrtm(Σ1Σ2) on the same matrices, via bench/metric_sqrtm.py.
let private scipySqrtm (options: Options) (sigma1: torch.Tensor) (sigma2: torch.Tensor) : Result<Scipy, string> =
    let dir = Path.Combine(Path.GetTempPath(), $"wgangp-bench-metrics-{Guid.NewGuid():N}")
    Directory.CreateDirectory dir |> ignore
    try
        let p1, p2 = Path.Combine(dir, "sigma1.npy"), Path.Combine(dir, "sigma2.npy")
        Npy.WriteTensor(p1, sigma1)
        Npy.WriteTensor(p2, sigma2)
        let start = ProcessStartInfo(options.Python, [ options.Reference; p1; p2 ], RedirectStandardOutput = true, RedirectStandardError = true)
        try
            match Process.Start start with
            | null -> Error $"cannot start {options.Python}"
            | p ->
                use p = p
                let err = p.StandardError.ReadToEndAsync()
                let out = p.StandardOutput.ReadToEnd()
                p.WaitForExit()
                if p.ExitCode <> 0 then Error $"{options.Reference} failed ({p.ExitCode}): {err.Result.Trim()}"
                else
                    use json = JsonDocument.Parse(out.Trim())
                    let r = json.RootElement
                    let text (name: string) = r.GetProperty(name).GetString() |> nonNull
                    let scipy, numpy, blas = text "scipy", text "numpy", text "blas"
                    Ok { Seconds = r.GetProperty("seconds").GetDouble(); Trace = r.GetProperty("trace_sqrt").GetDouble()
                         Versions = $"scipy {scipy}, numpy {numpy}, BLAS {blas}" }
        with :? ComponentModel.Win32Exception as e -> Error $"cannot start {options.Python}: {e.Message} (apt-get install python3-scipy)"
    finally
        Directory.Delete(dir, true)

let private mib (m: float option) = m |> Option.map (fun v -> v.ToString "F0") |> Option.defaultValue "n/a"

/// Runs every measurement and returns the report's lines (also printed as they come).
let run (options: Options) =
    let lines = Collections.Generic.List<string>()
    let say (line: string) = printfn "%s" line; lines.Add line
    let d = int64 options.Dim
    say $"## Metrics on CPU: N generated feature rows vs a reference of the same N, D = {options.Dim}, {options.Classes} classes"
    say ""
    say "Wall-clock seconds of one run each; peak RSS (managed + native) above the RSS before the step, a lower bound: memory"
    say "the allocators kept from earlier steps is reused without counting. Inputs are held before the steps start: random"
    say $"float64 features (seed {options.Seed}), N x D x 8 bytes per set (50k: {50000L * d * 8L / 1048576L} MiB), and logits."
    say $"{Environment.ProcessorCount} cores, torch threads {torch.get_num_threads ()}."
    say ""
    say "| N | step | seconds | peak RSS above start (MiB) |"
    say "|---:|---|---:|---:|"
    let roots = Collections.Generic.List<int * Measured<float> * Result<Scipy, string>>()
    for n in options.Sizes do
        use g = new torch.Generator(uint64 (options.Seed + n))
        let random (columns: int64) (scale: float) (shift: float) =
            use scope = torch.NewDisposeScope()
            (torch.randn([| int64 n; columns |], dtype = torch.float64, generator = g) * scale + shift).MoveToOuterDisposeScope()
        use reference = (random d 1.0 0.0).abs_()
        use generated = (random d 1.1 0.1).abs_()
        use logits = random (int64 options.Classes) 3.0 0.0
        let row (step: string) (m: Measured<_>) = say $"| {n} | {step} | {m.Seconds:F2} | {mib m.PeakMiB} |"
        let refStats = FeatureStatistics.FromFeatures reference
        let stats = measure (fun () -> FeatureStatistics.FromFeatures generated)
        row "statistics of one set (mean, covariance)" stats
        let fid = measure (fun () -> FrechetDistance.Compute(stats.Value, refStats))
        row "FID from both statistics" fid
        use sigma1 = stats.Value.CovarianceTensor()
        use sigma2 = refStats.CovarianceTensor()
        let root = measure (fun () -> FrechetDistance.TraceSqrtProduct(sigma1, sigma2))
        row $"  of which Tr sqrt(S1 S2) alone ({options.Dim}x{options.Dim})" root
        row $"IS, {options.Classes} logits, 10 splits" (measure (fun () -> InceptionScore.Compute(logits, InceptionScoreOptions())))
        row "KID, 100 subsets of 1000" (measure (fun () -> KernelInceptionDistance.Compute(generated, reference, KidOptions())))
        roots.Add((n, root, scipySqrtm options sigma1 sigma2))
    say ""
    say $"### Tr sqrt(S1 S2) of {options.Dim}x{options.Dim} covariances: ours (two symmetric eigendecompositions) vs scipy.linalg.sqrtm"
    say ""
    say "| N | ours (s) | scipy (s) | ours / scipy | relative difference of the traces |"
    say "|---:|---:|---:|---:|---:|"
    let mutable versions = None
    for n, ours, theirs in roots do
        match theirs with
        | Ok s ->
            versions <- Some s.Versions
            say $"| {n} | {ours.Seconds:F2} | {s.Seconds:F2} | {ours.Seconds / s.Seconds:F2} | {abs (ours.Value - s.Trace) / abs s.Trace:E1} |"
        | Error e -> say $"| {n} | {ours.Seconds:F2} | n/a | n/a | n/a ({e}) |"
    say ""
    let described = defaultArg versions "did not run"
    say $"scipy side: {options.Python} {Path.GetFileName options.Reference} ({described}), in the same run on this machine;"
    say "its time includes the product S1 S2 and the trace, as ours includes its matrix products. Ratios below 1 mean ours is faster."
    List.ofSeq lines
