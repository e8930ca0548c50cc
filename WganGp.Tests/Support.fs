/// Helpers shared by the tests.
module WganGp.Tests.Support

open System
open System.IO
open TorchSharp

type Module = torch.nn.Module<torch.Tensor, torch.Tensor>

/// The repository root (the folder holding WganGp.sln), found upwards from the test binary.
let repoRoot =
    let rec up (dir: DirectoryInfo | null) =
        match dir with
        | null -> failwith "WganGp.sln not found above the test binary"
        | d when File.Exists(Path.Combine(d.FullName, "WganGp.sln")) -> d.FullName
        | d -> up d.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

/// The built `wgangp` of the same configuration as the tests (the test project builds WganGp.Experiments first), to
/// run as its own process: `dotnet <this> args`.
let wgangpDll =
    let configuration = if AppContext.BaseDirectory.Contains "/Debug/" then "Debug" else "Release"
    Path.Combine(repoRoot, "WganGp.Experiments", "bin", configuration, "net10.0", "wgangp.dll")

/// Where Debian's and Ubuntu's dataset-fashion-mnist installs the real Fashion-MNIST.
let fashionMnistDir = "/usr/share/datasets/fashion-mnist"

/// Fails the test naming the package when the real Fashion-MNIST it reads is not installed.
let requireFashionMnist () =
    if not (File.Exists(Path.Combine(fashionMnistDir, "train-images-idx3-ubyte.gz"))) then
        failwith $"{fashionMnistDir} not found: this test reads the real Fashion-MNIST of the package dataset-fashion-mnist (apt-get install dataset-fashion-mnist; ./test.sh installs it as root)"

/// The run directories of an experiment folder, by name: its folders but the hidden ones (`.locks`).
let runDirectories (experimentDir: string) =
    IO.Directory.GetDirectories experimentDir |> Array.filter (fun d -> not ((IO.Path.GetFileName d |> nonNull).StartsWith ".")) |> Array.sort

/// The scripts in experiments/, sorted by name.
let repoScripts () =
    Directory.GetFiles(Path.Combine(repoRoot, "experiments"), "*.fsx") |> Array.sort |> Array.map (Path.GetFileName >> nonNull)

/// The experiment of a script in experiments/ (by file name), evaluated once per test process: each evaluation costs a
/// second or two of compiling, several tests read the same committed scripts, and no test changes them.
let repoExperiment : string -> Result<WganGp.Experiments.Dsl.Experiment, string list> =
    let loaded = Collections.Concurrent.ConcurrentDictionary<string, Result<WganGp.Experiments.Dsl.Experiment, string list>>()
    fun name -> loaded.GetOrAdd(name, fun n -> WganGp.Experiments.ScriptLoader.loadExperiment (Path.Combine(repoRoot, "experiments", n)))

/// A fresh temporary directory, deleted after `f`.
let inTempDir (f: string -> unit) =
    let dir = Path.Combine(Path.GetTempPath(), "wgangp-tests-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory dir |> ignore
    try f dir finally Directory.Delete(dir, true)

/// D(x) = Σ x ⊙ W + b over all non-batch dims, with W of the input's per-sample shape: its input gradient is W for
/// every sample, so ‖∇D‖ = ‖W‖_F exactly.
type WeightedSum(shape: int64[]) as this =
    inherit Module("weighted-sum")
    let w = torch.nn.Parameter(torch.randn(shape, dtype = torch.float64))
    let b = torch.nn.Parameter(torch.zeros([| 1L |], dtype = torch.float64))
    do this.RegisterComponents()
    member _.W = w
    member _.B = b
    override _.forward(x: torch.Tensor) =
        let dims = [| for d in 1 .. int (x.dim()) - 1 -> int64 d |]
        (x * w).sum(dims) + b

/// Trainable parameters of a network, to compare with the counts its authors' definitions imply.
let parameterCount (m: torch.nn.Module) = m.parameters() |> Seq.sumBy (fun p -> p.numel())

/// Whether a network contains a module of type 'm (e.g. BatchNorm2d in a critic).
let hasModule<'m when 'm :> torch.nn.Module> (m: torch.nn.Module) =
    m.named_modules() |> Seq.exists (fun struct (_, c) -> c :? 'm)

/// A parameter's gradient, failing the test when there is none.
let gradOf (p: torch.Tensor) =
    match p.grad with
    | null -> failwith "no gradient"
    | g -> g

/// The penalty term of a constraint that must produce one.
let penaltyOf (c: WganGp.Core.Methods.ILipschitzConstraint) critic real fake =
    match c.Penalty(critic, real, fake) with
    | null -> failwith "no penalty term"
    | t -> t

/// Fails unless `f` throws an 'e whose message contains `text`.
let throwsWith<'e when 'e :> exn> (text: string) (f: unit -> unit) =
    let message =
        try
            f ()
            "no exception"
        with :? 'e as e -> e.Message
    Expecto.Expect.stringContains message text $"{typeof<'e>.Name} mentioning '{text}'"

let close (tolerance: float) (expected: float) (actual: float) message =
    if not (abs (expected - actual) <= tolerance * max 1.0 (abs expected)) then
        failwith $"{message}: expected {expected}, got {actual} (tolerance {tolerance})"

/// What one `wgangp` process did.
type ProcessOutcome = { Code: int; Stdout: string; Stderr: string }

/// Runs the built wgangp in `dir` as its own process (each loads libtorch: 1–2 s), with `environment`'s variables set;
/// killed after `minutes`.
let wgangpProcessWith (environment: (string * string) list) (minutes: float) (dir: string) (args: string list) =
    let host = Environment.GetEnvironmentVariable "DOTNET_HOST_PATH" |> Option.ofObj |> Option.defaultValue "dotnet"
    let info = Diagnostics.ProcessStartInfo(host, wgangpDll :: args, UseShellExecute = false, WorkingDirectory = dir,
                                            RedirectStandardOutput = true, RedirectStandardError = true)
    for name, value in environment do info.Environment[name] <- value
    use p = Diagnostics.Process.Start info |> nonNull
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit(TimeSpan.FromMinutes minutes)) then
        p.Kill true
        p.WaitForExit()
        { Code = 124; Stdout = out.Result; Stderr = err.Result + $"\n(killed after {minutes} minutes)" }
    else
        p.WaitForExit()
        { Code = p.ExitCode; Stdout = out.Result; Stderr = err.Result }

/// `wgangpProcessWith` in this process's environment.
let wgangpProcess minutes dir args = wgangpProcessWith [] minutes dir args

/// A process's outcome for a failure message.
let shown (o: ProcessOutcome) = $"exit {o.Code}\n--- stdout\n{o.Stdout}\n--- stderr\n{o.Stderr}"

/// Expects a process to have exited 0.
let ok (o: ProcessOutcome) = Expecto.Expect.equal o.Code 0 (shown o)

/// A cell.json naming a run directory's cell as tables read it (`CellRecipe.readNames`): the id is the folder's name;
/// `keys` may give experiment, grid, dataset, architecture, method and critic_loss ("-", or "wasserstein" for the
/// loss, when absent). Returns the directory.
let writeCellNames (dir: string) (keys: (string * string) list) (seed: int) =
    Directory.CreateDirectory dir |> ignore
    let key name fallback = keys |> List.tryFind (fst >> (=) name) |> Option.map snd |> Option.defaultValue fallback
    let cell =
        dict [ "id", box (Path.GetFileName dir)
               "experiment", box (key "experiment" "-")
               "grid", box (key "grid" "-")
               "dataset", box (dict [ "name", key "dataset" "-" ])
               "architecture", box (dict [ "name", key "architecture" "-" ])
               "method", box (dict [ "name", key "method" "-"; "critic_loss", key "critic_loss" "wasserstein" ])
               "seed", box seed ]
    File.WriteAllText(Path.Combine(dir, "cell.json"), Text.Json.JsonSerializer.Serialize cell)
    dir
