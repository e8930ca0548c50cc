/// `wgangp bench profile`: where a training iteration's time goes, by kind of work, and how much of this machine's
/// measured peak it achieves. Each cell is timed by `wgangp bench step` (ours only) under Linux perf, sampling both
/// threads during the timed iterations only (`PerfWindow`); oneDNN names its generated kernels for perf
/// (ONEDNN_JIT_PROFILE=2), so convolution forward, backward-data and backward-weights kernels, reorders, ATen's
/// elementwise kernels, normalisers, allocation, OpenMP waiting and the .NET side can be told apart by symbol.
module WganGp.Experiments.ProfileBench

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open TorchSharp
open WganGp.Core.Methods
open WganGp.Experiments.Dsl

type Options =
    { Architectures: Architecture list
      Methods: Method list
      Size: int
      Channels: int
      BatchSize: int
      Iterations: int
      Warmup: int
      /// Also the toy cell (gan_toy.py's WGAN-GP, batch 256), after the Figure 2 cells.
      Toy: bool
      /// Where the per-kind figure goes (None: no figure).
      Figure: string option }

/// The kinds of work, in the order the report lists them.
let kinds =
    [ "conv forward"; "conv backward-data"; "conv backward-weights"; "oneDNN reorders"; "gemm (Linear)"; "normalisers"
      "elementwise & copies"; "reductions"; "random numbers"; "allocation (malloc)"; "kernel (page faults, syscalls)"
      "dispatch & autograd"; "OpenMP wait"; ".NET & interop"; "other" ]

/// The kind of one perf sample, from its shared object and symbol.
let classify (dso: string) (symbol: string) =
    let has (pattern: string) = Regex.IsMatch(symbol, pattern, RegexOptions.IgnoreCase)
    if dso.Contains "libgomp" then "OpenMP wait"
    elif dso.Contains "kernel.kallsyms" then "kernel (page faults, syscalls)"
    elif has @"\b_?int_malloc|_int_free|malloc|cfree|memalign|unlink_chunk|malloc_consolidate|\bfree\b" then "allocation (malloc)"
    elif has @"bwd_w|bwd_weights|backward_weights" then "conv backward-weights"
    elif has @"conv.*bwd|bwd.*conv|brgemm_conv_bwd|brgemm_kernel|backward_data|bwd_d" then "conv backward-data"
    elif has @"conv.*fwd|fwd.*conv|deconvolution|convolution_fwd" then "conv forward"
    elif has @"reorder|single_blk|copy_a_transposed|copy_b|jit_t\." then "oneDNN reorders"
    elif has @"gemm|sgemm|matmul" then "gemm (Linear)"
    elif has @"group_?norm|batch_?norm|RowwiseMoments|layer_?norm" then "normalisers"
    elif has @"random|uniform|normal_|Generator|mt19937" then "random numbers"
    elif has @"sum|reduce|cascade|norm_kernel|mean" then "reductions"
    elif has @"VectorizedLoop|cpu_kernel|TensorIterator|direct_copy|copy_kernel|fill_kernel|loop_2d|DimCounter|memmove|memcpy|memset" then "elementwise & copies"
    elif has @"Dispatcher|OperatorEntry|autograd|intrusive_ptr|TensorImpl|Sp_counted|dispatch|c10::|at::_ops|tls_get_addr" then "dispatch & autograd"
    elif dso.Contains "coreclr" || dso.Contains "clrjit" || dso.Contains "System." || dso.Contains "LibTorchSharp" || dso.Contains "doublemapper"
         || (dso.StartsWith "[JIT]" && symbol.StartsWith "0x") then ".NET & interop"
    elif dso.Contains "libtorch" || dso.Contains "libc10" || dso.Contains "libstdc++" then "dispatch & autograd"
    else "other"

/// Runs a program; its exit code and output.
let private exec (file: string) (args: string list) (env: (string * string) list) =
    let info = ProcessStartInfo(file, args, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    for k, v in env do info.Environment[k] <- v
    try
        use p = Process.Start info |> nonNull
        let out = p.StandardOutput.ReadToEndAsync()
        let err = p.StandardError.ReadToEndAsync()
        p.WaitForExit()
        Ok(p.ExitCode, out.Result, err.Result)
    with :? ComponentModel.Win32Exception as e -> Error $"cannot start {file}: {e.Message}"

/// Shares of the samples by kind, from `perf report`'s flat profile.
let private shares (data: string) =
    match exec "perf" [ "report"; "-i"; data; "--stdio"; "--no-children"; "--sort"; "dso,sym"; "-g"; "none"; "--percent-limit"; "0" ] [] with
    | Ok(0, out, _) ->
        let line = Regex(@"^\s*([0-9.]+)%\s+(\S+(?: tid \d+)?)\s+\[[.k]\]\s+(.*)$")
        let parsed =
            [ for l in out.Split('\n') do
                  let m = line.Match l
                  if m.Success then classify m.Groups.[2].Value m.Groups.[3].Value, float m.Groups.[1].Value ]
        let total = parsed |> List.sumBy snd
        parsed |> List.groupBy fst |> List.map (fun (k, xs) -> k, 100.0 * (xs |> List.sumBy snd) / total) |> Map.ofList
    | Ok(code, _, err) -> failwith $"perf report failed ({code}): {err.Trim()}"
    | Error e -> failwith e

/// A command under `perf record`, sampling only while the command holds its events enabled (`PerfWindow.around` its
/// timed iterations): the command's output and the shares by kind.
let private sampled (command: string list) =
    let stem = Path.Combine(Path.GetTempPath(), $"wgangp-profile-{Guid.NewGuid():N}")
    let data, fifo = stem + ".data", stem + ".ctl"
    try
        match exec "mkfifo" [ fifo ] [] with
        | Ok(0, _, _) -> ()
        | Ok(_, _, err) -> failwith $"mkfifo {fifo} failed: {err.Trim()}"
        | Error e -> failwith e
        let env = [ "ONEDNN_JIT_PROFILE", "2"; "DOTNET_PerfMapEnabled", "0"; PerfWindow.Variable, fifo ]
        match exec "perf" ([ "record"; "-F"; "999"; "--delay=-1"; "--control"; $"fifo:{fifo}"; "-o"; data; "--" ] @ command) env with
        | Error e -> failwith $"{e} (Debian: apt-get install linux-perf)"
        | Ok(0, out, _) -> out, shares data
        | Ok(code, out, err) -> failwith $"perf record failed ({code}): {err.Trim()} {out.Trim()}"
    finally
        for f in [ data; data + ".old"; fifo ] do
            if File.Exists f then File.Delete f

/// The seconds per iteration a `bench step` report gives in the first column of numbers of the row that starts with
/// `row`.
let private secondsOf (row: string) (out: string) =
    let m = Regex.Match(out, @"\| " + Regex.Escape row + @" \|(?: \d+ \|)* ([0-9.]+)")
    if not m.Success then failwith $"no timing for {row} in the output of bench step:\n{out}"
    float m.Groups.[1].Value

/// One Figure 2 cell under perf: seconds per iteration as `bench step` measured them (ours only), and the shares.
let private profileCell (options: Options) (architecture: Architecture) (method: Method) =
    let name, width =
        match architecture with
        | :? WganGp.Core.Nets.Figure2Entry as f -> Names.figure2 f.Variant, f.Width
        | other -> failwith $"bench profile times Figure 2 architectures; got {Names.architecture other}"
    let out, byKind =
        sampled (Slurm.self () @ [
            "bench"; "step"; "--architectures"; name; "--methods"; method.Name; "--size"; string options.Size; "--channels"; string options.Channels
            "--batch-size"; string options.BatchSize; "--widths"; width.ToString(Globalization.CultureInfo.InvariantCulture)
            "--iterations"; string options.Iterations; "--warmup"; string options.Warmup; "--rounds"; "1"; "--python"; "/bin/false" ])
    secondsOf $"{Names.architecture architecture} | {method.Name}" out, byKind

/// The toy cell under perf (`bench step --toy`, the trainer's iterations only: the minimal loop it is timed against
/// runs outside the window).
let private profileToy (options: Options) =
    let out, byKind =
        sampled (Slurm.self () @ [ "bench"; "step"; "--toy"; "--iterations"; string options.Iterations; "--warmup"; string options.Warmup; "--rounds"; "1" ])
    secondsOf StepBench.toyRow out, byKind

/// The report's lines (also printed as they come), and the figure when asked for.
let run (options: Options) =
    let lines = Collections.Generic.List<string>()
    let say (line: string) = printfn "%s" line; lines.Add line
    let gemmPeak, convPeak = Flops.peaks ()
    say $"## Where the time goes: {options.Size}x{options.Size}x{options.Channels}, batch {options.BatchSize}, {torch.get_num_threads ()} threads"
    say ""
    say $"Peaks measured here: sgemm 2048² **{gemmPeak:F0} GFLOP/s**; 3×3 convolution (batch 32, 128 → 128 at 32×32, forward) **{convPeak:F0} GFLOP/s**."
    say $"Each cell: `wgangp bench step` (ours only, {options.Warmup} warm-up and {options.Iterations} timed iterations) under `perf record -F 999`, sampling both threads during the timed iterations only (the process's start and the warm-up are outside the window)."
    say "FLOPs per iteration count the convolutions and Linear layers from their shapes (Flops.iteration: a backward costs two forwards; the penalty adds D on the interpolates, their input gradient and the backward through both); elementwise work is not counted."
    say "The penalty's double backward runs as convolution forward and backward-weights kernels: its share is inside those rows."
    if options.Toy then say "The toy cell (last row) runs at gan_toy.py's batch 256 on 8 Gaussians; its networks are Linear layers only."
    say ""
    let header = String.Join(" | ", kinds)
    say $"| cell | s/it | GFLOP/it | GFLOP/s | %% sgemm peak | %% conv peak | {header} |"
    say ("|---|---:|---:|---:|---:|---:|" + String.replicate kinds.Length "---:|")
    let row (architecture: Architecture) (method: Method) (shape: int64[]) batch (seconds, byKind) =
        let fG, fD = Flops.ofPair architecture method shape
        let gflop = Flops.iteration method batch fG fD / 1e9
        let rate = gflop / seconds
        let cellName = $"{Names.architecture architecture} {method.Name}"
        let kindShares = String.Join(" | ", kinds |> List.map (fun k -> (Map.tryFind k byKind |> Option.defaultValue 0.0).ToString("F1")))
        say $"| {cellName} | {seconds:F3} | {gflop:F2} | {rate:F1} | {100.0 * rate / gemmPeak:F0} | {100.0 * rate / convPeak:F0} | {kindShares} |"
        cellName, byKind
    let results =
        [ for architecture in options.Architectures do
              for method in options.Methods do
                  profileCell options architecture method
                  |> row architecture method [| int64 options.Channels; int64 options.Size; int64 options.Size |] options.BatchSize
          if options.Toy then profileToy options |> row Paper.Toy.mlp Paper.Toy.wganGp [| 2L |] 256 ]
    say ""
    say "Shares in % of perf samples. Kinds by symbol: oneDNN's named kernels (conv fwd / bwd-data / bwd-weights, reorders), ATen's kernels (elementwise, reductions, normalisers, random), glibc malloc, the kernel, libgomp (threads waiting at barriers), .NET (runtime, JIT, managed code, TorchSharp's native shim)."
    match options.Figure with
    | Some path -> ProfilePlot.save path kinds results
    | None -> ()
    List.ofSeq lines
