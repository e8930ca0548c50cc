/// The error contract of `wgangp`, through the real process: every class of bad input a user feeds it ends in an
/// `error:` line naming the culprit, the documented exit code, no stack trace and no native abort, and the files
/// already in the results folder are left exactly as they were.
module WganGp.Tests.CliErrorTests

open System
open System.Diagnostics
open System.IO
open System.Security.Cryptography
open System.Threading
open Expecto
open WganGp.Tests.Support

/// What one `wgangp` process did.
type Outcome = { Code: int; Stdout: string; Stderr: string }

/// One class of bad input: the files it needs (written into its own folder, which also holds a results folder of
/// files that must survive), the command line (given that folder), the exit code and what its `error:` lines must name.
type Case =
    { Name: string
      Setup: string -> unit
      Args: string -> string list
      Code: int
      Culprits: string -> string list
      /// Undoes what Setup did outside the folder (a mounted tmpfs).
      Teardown: string -> unit }

let private case name code setup args culprits =
    { Name = name; Setup = setup; Args = args; Code = code; Culprits = culprits; Teardown = ignore }

/// Runs the built wgangp in `dir` with WGANGP_VERBOSE set to `verbose` or unset (each child loads libtorch: 1–2 s).
let private wgangpWith (verbose: string option) (dir: string) (args: string list) =
    let host = Environment.GetEnvironmentVariable "DOTNET_HOST_PATH" |> Option.ofObj |> Option.defaultValue "dotnet"
    let info = ProcessStartInfo(host, wgangpDll :: args, UseShellExecute = false, WorkingDirectory = dir,
                                RedirectStandardOutput = true, RedirectStandardError = true)
    match verbose with
    | Some v -> info.Environment["WGANGP_VERBOSE"] <- v
    | None -> info.Environment.Remove "WGANGP_VERBOSE" |> ignore
    use p = Process.Start info |> nonNull
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit(TimeSpan.FromMinutes 3.0)) then
        p.Kill true
        p.WaitForExit()
        { Code = 124; Stdout = out.Result; Stderr = err.Result + "\n(killed after 3 minutes)" }
    else
        p.WaitForExit()
        { Code = p.ExitCode; Stdout = out.Result; Stderr = err.Result }

let private wgangpIn = wgangpWith None

/// Every file under a folder with its SHA-256, to show that nothing was changed or lost.
let private snapshot (dir: string) =
    Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
    |> Array.map (fun f -> f, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes f)))
    |> Map.ofArray

// ---------------------------------------------------------------------------------------------------------------
// Generated inputs

let private bigEndian (values: int list) =
    values |> List.collect (fun v -> [ byte (v >>> 24); byte (v >>> 16); byte (v >>> 8); byte v ]) |> Array.ofList

/// An IDX image file header (magic 0x00000803, count, 28, 28) and a label file of `count` labels.
let private idxFolder (dir: string) (images: byte[]) =
    File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), images)
    File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), Array.append (bigEndian [ 0x801; 10 ]) (Array.zeroCreate 10))

let private idxHeader = bigEndian [ 0x803; 10; 28; 28 ]

/// A one-cell-per-method toy grid; the "broken" method (no critic iterations) fails its cell at once.
let private script =
    """
open WganGp.Core.Data
open WganGp.Experiments
open WganGp.Experiments.Dsl
let experiment =
    { Experiment.named "corpus" with
        Grids = [ { Grid.named "g" with
                      Datasets = [ Toy ToyKind.EightGaussians ]; Architectures = [ ToyMlp(16, 3) ]
                      Methods = [ Paper.Toy.wganGp.WithName("broken").WithCriticIterations(0); Paper.Toy.wganGp ]
                      Seeds = [ 0 ]; Iterations = 3; BatchSize = 16; SampleCount = 40 } ] }
"""

let private writeScript (dir: string) = File.WriteAllText(Path.Combine(dir, "corpus.fsx"), script)

/// Files a user already has in the results folder: the corpus checks they survive every refused command.
let private precious (dir: string) =
    let results = Path.Combine(dir, "results", "corpus")
    Directory.CreateDirectory results |> ignore
    File.WriteAllText(Path.Combine(results, "notes.md"), "# notes on earlier runs\n")
    File.WriteAllText(Path.Combine(dir, "results", "README.txt"), "kept\n")

let private isRoot () = Environment.UserName = "root"

/// A folder where no file can be written: a full tmpfs as root, a read-only folder otherwise.
let private fullDisk (dir: string) =
    let full = Path.Combine(dir, "full")
    Directory.CreateDirectory full |> ignore
    if isRoot () then
        use mount = Process.Start("mount", [ "-t"; "tmpfs"; "-o"; "size=256k"; "tmpfs"; full ])
        mount.WaitForExit()
        if mount.ExitCode <> 0 then failwith $"mount -t tmpfs {full} failed (exit {mount.ExitCode})"
        Directory.CreateDirectory(Path.Combine(full, "corpus")) |> ignore
        // Fill it: every later write fails with "No space left on device".
        try
            use filler = File.OpenWrite(Path.Combine(full, "filler"))
            let block = Array.create 4096 7uy
            while true do filler.Write(block, 0, block.Length)
        with :? IOException -> ()
    else
        let experiment = Path.Combine(full, "corpus")
        Directory.CreateDirectory experiment |> ignore
        File.SetUnixFileMode(experiment, UnixFileMode.UserRead ||| UnixFileMode.UserExecute)

let private unmount (dir: string) =
    let full = Path.Combine(dir, "full")
    if isRoot () then
        use p = Process.Start("umount", [ full ])
        p.WaitForExit()
    else File.SetUnixFileMode(Path.Combine(full, "corpus"), UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.UserExecute)

// ---------------------------------------------------------------------------------------------------------------
// The cases

let private independent : Case list =
    let p (dir: string) (name: string) = Path.Combine(dir, name)
    let data dir format = [ "data"; p dir "in"; "-f"; format ]
    let input (dir: string) = Directory.CreateDirectory(p dir "in").FullName
    let cudaCulprits =
        if WganGp.Experiments.Cli.torchBackend = "cpu" then fun _ -> [ "--device cuda"; "-p:TorchBackend=cuda" ]
        else fun _ -> [ "--device cuda" ]
    [ case "IDX: images cut short" 1 (fun d -> idxFolder (input d) (Array.append idxHeader (Array.zeroCreate 100)))
          (fun d -> data d "idx") (fun d -> [ p d "in/train-images-idx3-ubyte" ])
      case "IDX: corrupt gzip" 1
          (fun d ->
              let dir = input d
              File.WriteAllBytes(p dir "train-images-idx3-ubyte.gz", Array.append [| 0x1fuy; 0x8buy; 8uy; 0uy |] (Array.create 200 0x55uy))
              File.WriteAllBytes(p dir "train-labels-idx1-ubyte", Array.append (bigEndian [ 0x801; 10 ]) (Array.zeroCreate 10)))
          (fun d -> data d "idx") (fun d -> [ p d "in/train-images-idx3-ubyte.gz"; "gzip" ])
      case "IDX: wrong magic number" 1 (fun d -> idxFolder (input d) (Array.append (bigEndian [ 0x50_4B_03_04; 10; 28; 28 ]) (Array.zeroCreate 7840)))
          (fun d -> data d "idx") (fun d -> [ p d "in/train-images-idx3-ubyte"; "not an IDX file" ])
      case "CIFAR-10 binary: a partial record" 1
          (fun d ->
              let dir = input d
              for i in 1 .. 5 do
                  File.WriteAllBytes(p dir $"data_batch_{i}.bin", Array.zeroCreate (if i = 3 then 3073 + 1000 else 3073)))
          (fun d -> data d "cifar10") (fun d -> [ "data_batch_3.bin" ])
      case "CIFAR-10 python: a batch that is not a pickle" 1
          (fun d ->
              let dir = input d
              for i in 1 .. 5 do File.WriteAllText(p dir $"data_batch_{i}", "this is not a pickle\n"))
          (fun d -> data d "cifar10") (fun d -> [ "data_batch_1" ])
      case "image folder: empty" 1 (input >> ignore) (fun d -> data d "folder") (fun d -> [ p d "in"; "no images" ])
      case "image folder: only undecodable files" 1
          (fun d ->
              let dir = input d
              File.WriteAllText(p dir "a.png", "not an image")
              File.WriteAllBytes(p dir "b.jpg", [||]))
          (fun d -> data d "folder") (fun _ -> [ "2 images found"; "none of them could be used"; "a.png"; "b.jpg" ])
      case "LMDB: a folder that is not a database" 1
          (fun d -> File.WriteAllBytes(p (input d) "data.mdb", Array.create 8192 7uy))
          (fun d -> data d "lmdb") (fun d -> [ p d "in" ])
      case "data: --channels 2" 2 (input >> ignore) (fun d -> data d "folder" @ [ "--channels"; "2" ]) (fun _ -> [ "--channels 2"; "1, 3" ])
      case "run: --threads 0 and --scale -1, refused before anything" 2 writeScript
          (fun d -> [ "run"; "corpus.fsx"; "--results"; "results"; "--threads"; "0"; "--scale"; "-1" ])
          (fun _ -> [ "--threads 0"; "--scale -1" ])
      case "bench cost --redraw: a file that is not its CSV" 1
          (fun d -> File.WriteAllText(p d "cost.csv", "batch,seconds\n16,0.1\n"))
          (fun d -> [ "bench"; "cost"; "--redraw"; p d "cost.csv"; "--figure"; p d "cost.png" ]) (fun d -> [ p d "cost.csv"; "not a `bench cost` CSV" ])
      case "run: --precision naming no precision" 2 writeScript
          (fun _ -> [ "run"; "corpus.fsx"; "--results"; "results"; "--precision"; "half" ]) (fun _ -> [ "--precision half: expected one of float32, bf16" ])
      case "run: --device cuda on a build without CUDA, refused once" 2 writeScript
          (fun d -> [ "run"; "corpus.fsx"; "--results"; "results"; "--device"; "cuda" ]) cudaCulprits
      case "run: a submit option (--partition, --slurm) is refused, naming submit" 2 writeScript
          (fun _ -> [ "run"; "corpus.fsx"; "--results"; "results"; "--partition"; "p"; "--slurm" ])
          (fun _ -> [ "--partition is an option of `wgangp submit`"; "--slurm is an option of `wgangp submit`" ])
      case "run: an unknown flag is Argu's usage error" 2 writeScript
          (fun _ -> [ "run"; "corpus.fsx"; "--no-such-flag" ]) (fun _ -> [ "--no-such-flag" ])
      case "plan: --cells matching no cell, as run refuses it" 1 writeScript
          (fun _ -> [ "plan"; "corpus.fsx"; "--results"; "results"; "--cells"; "no-such-cell" ]) (fun _ -> [ "--cells no-such-cell" ])
      case "run: --figure with --cells, and --figure with --no-figures, refused before anything" 2 writeScript
          (fun _ -> [ "run"; "corpus.fsx"; "--results"; "results"; "--figure"; "figure1a"; "--cells"; "x"; "--no-figures" ])
          (fun _ -> [ "--figure makes figures only"; "--figure and --no-figures" ])
      case "run: --figure naming a figure the script does not have" 1 writeScript
          (fun _ -> [ "run"; "corpus.fsx"; "--results"; "results"; "--figure"; "figure9" ]) (fun _ -> [ "--figure figure9: corpus has no figures" ])
      case "plan: run's flag values are checked as run checks them (--eval-every 0)" 2 writeScript
          (fun _ -> [ "plan"; "corpus.fsx"; "--results"; "results"; "--eval-every"; "0" ]) (fun _ -> [ "--eval-every 0" ])
      case "table: a malformed cell.json" 1
          (fun d ->
              let run = Directory.CreateDirectory(p d "results/corpus/some-cell").FullName
              File.WriteAllText(p run "cell.json", "{ \"id\": ")
              File.WriteAllText(p d "results/corpus/summary.md", "# the summary of earlier runs\n"))
          (fun d -> [ "table"; p d "results/corpus" ]) (fun d -> [ p d "results/corpus/some-cell/cell.json" ])
      case "table: a status.json whose status is no run status" 1
          (fun d ->
              let run = writeCellNames (p d "results/corpus/some-cell") [ "dataset", "d" ] 0
              File.WriteAllText(p run "status.json", "{ \"status\": \"finshed\" }"))
          (fun d -> [ "table"; p d "results/corpus" ])
          (fun d -> [ p d "results/corpus/some-cell/status.json"; "'finshed'"; "finished, diverged, failed, running" ])
      case "sample: not a run directory" 1 ignore (fun d -> [ "sample"; p d "nowhere" ]) (fun d -> [ p d "nowhere" ])
      case "migrate: no such results folder" 1 writeScript
          (fun d -> [ "migrate"; p d "nowhere"; "--script"; "corpus.fsx" ]) (fun d -> [ p d "nowhere" + ": no such results folder" ])
      case "run: a failed cell makes the run fail, listing the cell and where its error is" 1 writeScript
          (fun _ -> [ "run"; "corpus.fsx"; "--results"; "results"; "--threads"; "1"; "--no-figures"; "--no-tensorboard" ])
          (fun _ -> [ "1 of 2 cells failed"; "results/corpus/8gaussians-mlp16x3-broken-"; "/status.json" ])
      { case "run: a full disk while recording failed cells" 1 (fun d -> writeScript d; fullDisk d)
            (fun _ -> [ "run"; "corpus.fsx"; "--results"; "full"; "--threads"; "1"; "--no-figures"; "--no-tensorboard" ])
            (fun _ -> [ "2 of 2 cells failed"; "not recorded" ])
          with Teardown = unmount } ]

/// The run directory of the corpus grid's good cell, written by the failed-cell case.
let private goodRun (root: string) =
    let dir = Path.Combine(root, string (independent |> List.findIndex (fun c -> c.Name.StartsWith "run: a failed cell")), "results", "corpus")
    Directory.GetDirectories dir |> Array.find (fun d -> (Path.GetFileName d |> nonNull).Contains "wgan-gp")

let private copyRun (source: string) (target: string) =
    for file in Directory.GetFiles(source, "*", SearchOption.AllDirectories) do
        let destination = Path.Combine(target, Path.GetRelativePath(source, file))
        Directory.CreateDirectory(Path.GetDirectoryName destination |> nonNull) |> ignore
        File.Copy(file, destination)

/// Cases that start from a real run directory (the failed-cell case's good cell), copied and then damaged.
let private fromRun (root: string) : Case list =
    let run (d: string) = Path.Combine(d, "results", "corpus", "run")
    let setup damage (d: string) =
        copyRun (goodRun root) (run d)
        damage (run d)
    let newest (runDir: string) = Directory.GetFiles(Path.Combine(runDir, "checkpoints"), "it-*.ckpt") |> Array.max
    [ case "sample: a checkpoint of another architecture" 1
          (setup (fun r ->
              let cell = Path.Combine(r, "cell.json")
              let text = File.ReadAllText cell
              if not (text.Contains "\"width\": 16") then failwith $"cell.json without a width of 16:\n{text}"
              File.WriteAllText(cell, text.Replace("\"width\": 16", "\"width\": 32"))))
          (fun d -> [ "sample"; run d ]) (fun _ -> [ ".ckpt" ])
      case "sample: a truncated checkpoint" 1
          (setup (fun r ->
              let file = newest r
              let bytes = File.ReadAllBytes file
              File.WriteAllBytes(Path.Combine(r, "cut.ckpt"), bytes.[.. bytes.Length / 2])))
          (fun d -> [ "sample"; run d; "--checkpoint"; Path.Combine(run d, "cut.ckpt") ]) (fun d -> [ Path.Combine(run d, "cut.ckpt"); "cut short" ])
      case "sample: a malformed cell.json" 1 (setup (fun r -> File.WriteAllText(Path.Combine(r, "cell.json"), "{ \"id\": ")))
          (fun d -> [ "sample"; run d ]) (fun d -> [ "cell.json" ])
      case "sample: --n 0" 2 (setup ignore) (fun d -> [ "sample"; run d; "--n"; "0" ]) (fun _ -> [ "--n 0" ]) ]

/// Runs cases in parallel (three processes at a time), each in its own folder under `root`: their outcomes, and the
/// results folder's files before and after.
let private runAll (root: string) (offset: int) (cases: Case list) =
    use gate = new SemaphoreSlim(3)
    cases
    |> List.mapi (fun i c ->
        async {
            let dir = Directory.CreateDirectory(Path.Combine(root, string (offset + i))).FullName
            precious dir
            c.Setup dir
            let before = snapshot dir
            do! gate.WaitAsync() |> Async.AwaitTask
            try
                let outcome = wgangpIn dir (c.Args dir)
                let after = snapshot dir
                return c, dir, outcome, before, after
            finally
                gate.Release() |> ignore
                c.Teardown dir
        })
    |> Async.Parallel
    |> Async.RunSynchronously
    |> List.ofArray

let private stackTraceMarks = [ "Unhandled exception"; "   at "; "--- End of stack trace"; "terminate called"; "Aborted" ]

let private check (c: Case, dir: string, outcome: Outcome, before: Map<string, string>, after: Map<string, string>) =
    let shown = $"exit {outcome.Code}\n--- stderr\n{outcome.Stderr}\n--- stdout\n{outcome.Stdout}"
    Expect.equal outcome.Code c.Code $"{c.Name}: exit code\n{shown}"
    let errors = outcome.Stderr.Split '\n' |> Array.filter (fun l -> l.StartsWith "error: ")
    Expect.isNonEmpty errors $"{c.Name}: an error: line\n{shown}"
    for culprit in c.Culprits dir do
        Expect.isTrue (errors |> Array.exists (fun l -> l.Contains culprit)) $"{c.Name}: an error: line naming '{culprit}'\n{shown}"
    for mark in stackTraceMarks do
        Expect.isFalse (outcome.Stderr.Contains mark || outcome.Stdout.Contains mark) $"{c.Name}: no stack trace or abort ('{mark}')\n{shown}"
    for KeyValue (file, hash) in before do
        match after.TryFind file with
        | None -> failtestf "%s: %s was lost\n%s" c.Name file shown
        | Some h -> Expect.equal h hash $"{c.Name}: {file} unchanged"

/// All cases run once, in parallel, the first time a test asks; the folder is deleted at process exit.
let private outcomes =
    lazy (
        let root = Path.Combine(Path.GetTempPath(), "wgangp-cli-errors-" + Guid.NewGuid().ToString("N"))
        Directory.CreateDirectory root |> ignore
        AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> try Directory.Delete(root, true) with _ -> ())
        let first = runAll root 0 independent
        let second = runAll root independent.Length (fromRun root)
        first @ second |> List.map (fun ((c, _, _, _, _) as o) -> c.Name, o) |> Map.ofList)

let tests =
    testList "CLI errors" [
        for name in (independent |> List.map _.Name) @ (fromRun "" |> List.map _.Name) do
            test name { check (outcomes.Force().[name]) }
        test "plan takes a run or submit command line as it is and lists what the bare plan lists" {
            inTempDir (fun dir ->
                writeScript dir
                let bare = wgangpIn dir [ "plan"; "corpus.fsx"; "--results"; "results" ]
                let asRun =
                    wgangpIn dir [ "plan"; "corpus.fsx"; "--results"; "results"; "--eval-every"; "5"; "--classifier"; "c.weights"
                                   "--no-tensorboard"; "--threads"; "1"; "--slurm"; "--partition"; "p" ]
                Expect.equal bare.Code 0 $"bare plan\n{bare.Stderr}"
                Expect.equal asRun.Code 0 $"plan of a run command line\n{asRun.Stderr}"
                Expect.stringContains bare.Stdout "8gaussians" "the plan lists the cells"
                Expect.equal asRun.Stdout bare.Stdout "the same cells")
        }
        test "--verbose and WGANGP_VERBOSE=1 add the stack trace after the error line" {
            inTempDir (fun dir ->
                let plain = wgangpIn dir [ "sample"; "nowhere" ]
                Expect.isFalse (plain.Stderr.Contains "   at ") $"no trace by default\n{plain.Stderr}"
                for verbose in [ wgangpIn dir [ "sample"; "nowhere"; "--verbose" ]; wgangpWith (Some "1") dir [ "sample"; "nowhere" ] ] do
                    Expect.equal verbose.Code 1 "still exit 1"
                    // (verbose output may open with one line about libtorch's hidden warnings)
                    let error, trace = verbose.Stderr.IndexOf "error: nowhere", verbose.Stderr.IndexOf "   at "
                    Expect.isGreaterThanOrEqual error 0 $"the error line\n{verbose.Stderr}"
                    Expect.isGreaterThan trace error $"then the trace\n{verbose.Stderr}")
        }
    ]
