/// Runs that survive: a killed `wgangp run` resumes to the same result, cell.json rebuilds a run's generator for
/// `wgangp sample`/`score`, and bad runner input is refused before anything is touched.
module WganGp.Tests.RunTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open Expecto
open WganGp.Core.Data
open WganGp.Core.Training
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Tests.Support

/// The built `wgangp` (same configuration as the tests), run as its own process.
let private wgangp = wgangpDll

/// Starts `wgangp args`; its output is collected for failure messages.
let private start (args: string) =
    let info = ProcessStartInfo("dotnet", $"\"{wgangp}\" {args}", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    let p = nonNull (Process.Start info)
    let output = Collections.Concurrent.ConcurrentQueue<string>()
    p.OutputDataReceived.Add(fun e -> output.Enqueue(string e.Data))
    p.ErrorDataReceived.Add(fun e -> output.Enqueue(string e.Data))
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    p, output

let private runToEnd (args: string) =
    let p, output = start args
    use _ = p
    if not (p.WaitForExit 240_000) then (p.Kill true; failtest $"wgangp {args} did not finish in 4 minutes")
    p.WaitForExit()
    if p.ExitCode <> 0 then failtest $"wgangp {args} exited with {p.ExitCode}:\n{String.Join('\n', output)}"

/// A one-cell toy grid long enough to be killed in the middle.
let private script =
    """
open WganGp.Core.Data
open WganGp.Experiments
open WganGp.Experiments.Dsl
let experiment =
    { Experiment.named "kill" with
        Grids = [ { Grid.named "g" with
                      Datasets = [ Toy ToyKind.EightGaussians ]; Architectures = [ ToyMlp(32, 3) ]
                      Methods = [ Paper.Toy.wganGp ]; Seeds = [ 4 ]; Iterations = 1500; BatchSize = 32; SampleCount = 300 } ] }
"""

let private runArgs scriptPath results =
    $"run \"{scriptPath}\" --results \"{results}\" --threads 1 --no-figures --checkpoint-every 25 --eval-every 100 --eval-samples 200"

/// Every file a reader would open parses whole: JSON documents, CSV logs of whole rows, checkpoint headers.
let private expectNothingTorn (runDir: string) =
    for file in Directory.GetFiles(runDir, "*", SearchOption.AllDirectories) do
        match Path.GetExtension file with
        | ".json" -> JsonDocument.Parse(File.ReadAllText file).Dispose()
        | ".csv" ->
            let text = File.ReadAllText file
            Expect.isTrue (text = "" || text.EndsWith "\n") $"{file} ends in a whole line"
            let lines = text.TrimEnd('\n').Split '\n'
            let columns = lines.[0].Split(',').Length
            for line in lines do Expect.equal (line.Split(',').Length) columns $"{file}: a row with {columns} fields: {line}"
        | ".ckpt" -> Checkpoint.ReadHeader file |> ignore
        | _ -> ()

let private withoutSeconds (file: string) =
    File.ReadAllLines file |> Array.map (fun l -> l.Substring(0, l.LastIndexOf ','))

let tests =
    testList "Runs" [
        test "SIGKILL at a random moment: nothing torn, and the rerun finishes with the uninterrupted run's results" {
            inTempDir (fun dir ->
                let scriptPath = Path.Combine(dir, "kill.fsx")
                File.WriteAllText(scriptPath, script)
                let straight, killed = Path.Combine(dir, "straight"), Path.Combine(dir, "killed")
                runToEnd (runArgs scriptPath straight)
                let cellDir root = runDirectories (Path.Combine(root, "kill")) |> Array.exactlyOne
                // Killed once the first checkpoint exists, after a random further delay: mid-step, mid-log or mid-checkpoint.
                let delay = Random().Next(0, 1500)
                (let p, _ = start (runArgs scriptPath killed)
                 use _ = p
                 let watch = Stopwatch.StartNew()
                 let checkpoints () = Path.Combine(killed, "kill")
                 while watch.Elapsed.TotalSeconds < 120.0
                       && not (Directory.Exists(checkpoints ()) && Directory.GetFiles(checkpoints (), "*.ckpt", SearchOption.AllDirectories).Length > 0) do
                     Threading.Thread.Sleep 20
                 Threading.Thread.Sleep delay
                 p.Kill()   // SIGKILL: no handler runs
                 p.WaitForExit())
                let runDir = cellDir killed
                Expect.isFalse (File.Exists(Path.Combine(runDir, RunFiles.Status))) $"killed {delay} ms after the first checkpoint, before the end"
                expectNothingTorn runDir
                runToEnd (runArgs scriptPath killed)
                expectNothingTorn runDir
                Expect.equal (RunDirectory.status runDir) RunStatus.Finished "the rerun finished the cell"
                Expect.isEmpty (Directory.GetFiles(runDir, "*.tmp", SearchOption.AllDirectories)) "no temporary files left"
                let same file = Expect.equal (File.ReadAllText(Path.Combine(runDir, file))) (File.ReadAllText(Path.Combine(cellDir straight, file))) file
                same RunFiles.Scores
                same RunFiles.Samples
                Expect.equal (withoutSeconds (Path.Combine(runDir, RunFiles.Log))) (withoutSeconds (Path.Combine(cellDir straight, RunFiles.Log))) "log.csv"

                // The finished run serves `sample` and `score` from its checkpoint alone.
                let out = Path.Combine(dir, "points.csv")
                let said = TrainedRuns.sample runDir 16 out 7 None None
                Expect.stringContains said.Head "at generator iteration 1500 of 1500" "the final checkpoint"
                Expect.equal (File.ReadAllLines out).Length 17 "a header and 16 points"
                let scored = TrainedRuns.score runDir (Some 500) 7 None Scoring.none (fun d -> d.Path)
                Expect.exists scored (fun l -> l.StartsWith "energy ") "the toy scores"
                let again = TrainedRuns.score runDir (Some 500) 7 None Scoring.none (fun d -> d.Path)
                Expect.equal again scored "the same seed scores the same samples")
        }

        test "cell.json rebuilds the generator of every architecture of the catalog, and every data format round-trips" {
            let data format = Real { Name = "d"; Path = "/data/d"; Format = format; Scaling = PixelScaling.MinusOneOneDequantized }
            let formats =
                [ Idx("a.gz", "b.gz", Some 32); Idx("a", "b", None); Cifar10 false; ImageFolder(Images.ImageOptions(48, 1))
                  Lmdb(Images.ImageOptions(64, 3, true)); TextFolder(WganGp.Core.Data.Text.CharCorpusOptions.Utf8) ]
            let recipe architecture (method: WganGp.Core.Methods.Method) dataset shape : CellRecipe.Recipe =
                { Id = "x"; Experiment = "e"; Grid = "g"; Method = CellRecipe.describe method; Architecture = architecture
                  Networks = Cells.networkSpec architecture method WganGp.Core.Nets.InitScheme.PyTorch shape
                  Dataset = dataset; BatchSize = 8; Seed = 3; Iterations = 10; SampleCount = 64; Scoring = ScoreProtocol.standard }
            // The catalog, and a Figure 2 pair at a width other than the paper's.
            for architecture in (Paper.catalog |> List.map fst) @ [ Figure2(WganGp.Core.Nets.Figure2Variant.Dcgan, 32, 1, 0.25); Paper.Cifar.dcganAt 1 0.5 ] do
                for method in [ WganGp.Core.Methods.Methods.WganGp; WganGp.Core.Methods.Methods.WganClipping ] do
                    let shape = Cells.inputShape architecture |> Array.map (fun d -> if d < 0L then 50L else d)
                    let recipe = recipe architecture method (Toy ToyKind.SwissRoll) shape
                    let back = CellRecipe.ofJson "cell.json" (CellRecipe.toJson recipe)
                    Expect.equal back recipe $"{Names.architecture architecture} round-trips"
                    let names = CellRecipe.namesOfJson "cell.json" (CellRecipe.toJson recipe)
                    Expect.equal (names.Architecture, names.Method, names.Dataset, names.CriticLoss)
                        (Names.architecture architecture, method.Name, "swissroll", "wasserstein") "names read without building anything"
                    let built, _, _ = Cells.networks architecture method WganGp.Core.Nets.InitScheme.PyTorch shape
                    use expected = built.Invoke()
                    use rebuilt = CellRecipe.generator back
                    Expect.equal (parameterCount rebuilt) (parameterCount expected) $"{Names.architecture architecture} under {method.Name}"
            for format in formats do
                let r = { recipe (CifarDcgan(3, 1.0)) WganGp.Core.Methods.Methods.WganGp (data format) [| 3L; 32L; 32L |] with
                            SampleCount = 50_000; Scoring = Paper.Cifar.ganCifarResnetScoring }
                Expect.equal (CellRecipe.ofJson "cell.json" (CellRecipe.toJson r)) r (Names.format format)
            let json = CellRecipe.toJson (recipe (CifarDcgan(3, 1.0)) WganGp.Core.Methods.Methods.WganGp (Toy ToyKind.SwissRoll) [| 3L; 32L; 32L |])
            throwsWith<InvalidDataException> "cell.json: field 'latent_dim' is missing"
                (fun () -> CellRecipe.ofJson "cell.json" (json.Replace("\"latent_dim\"", "\"latent\"")) |> ignore)
            throwsWith<InvalidDataException> "cell.json: architecture kind 'no-such-pair' is not built in"
                (fun () -> CellRecipe.ofJson "cell.json" (json.Replace("\"cifar-dcgan\"", "\"no-such-pair\"")) |> ignore)
            throwsWith<InvalidDataException> "cell.json: architecture 'cifar-dcgan': field 'width':"
                (fun () -> CellRecipe.ofJson "cell.json" (json.Replace("\"width\": 1", "\"width\": \"wide\"")) |> ignore)
        }

        test "the untrained generator rebuilt from cell.json is the one the trainer starts from (the sample composite's iteration-0 column)" {
            let architecture = Figure2(WganGp.Core.Nets.Figure2Variant.Dcgan, 32, 1, 0.25)
            let method = WganGp.Core.Methods.Methods.WganGp
            let shape = [| 1L; 32L; 32L |]
            let recipe seed: CellRecipe.Recipe =
                { Id = "x"; Experiment = "e"; Grid = "g"; Method = CellRecipe.describe method; Architecture = architecture
                  Networks = Cells.networkSpec architecture method WganGp.Core.Nets.InitScheme.Tflib shape
                  Dataset = Real Datasets.fashionMnist32; BatchSize = 8; Seed = seed; Iterations = 10; SampleCount = 8; Scoring = ScoreProtocol.standard }
            // As the runner builds a cell's config: the networks of Cells.networks, the cell's seed.
            let g, c, latent = Cells.networks architecture method WganGp.Core.Nets.InitScheme.Tflib shape
            use images = new LabelledImages("random", TorchSharp.torch.randint(0L, 256L, [| 16L; 1L; 32L; 32L |]).``to``(TorchSharp.torch.ScalarType.Byte), TorchSharp.torch.zeros(16L, dtype = TorchSharp.torch.int64))
            use source = new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne)
            use session = TrainingSession.Start(TrainConfig(g, c, latent, source, method, 10, 8, 5L))
            use _ = session.State.Generator
            use _ = session.State.Critic
            // torch's stream has moved on since, as it has in a process that writes tables.
            TorchSharp.torch.randn(1000L).Dispose()
            let parameters (m: TorchSharp.torch.nn.Module) = [ for p in m.parameters() -> p.detach().clone() ]
            let same a b = List.length a = List.length b && List.forall2 (fun (x: TorchSharp.torch.Tensor) y -> x.allclose(y, 0.0, 0.0)) a b
            use rebuilt = CellRecipe.untrainedGenerator (recipe 5)
            use other = CellRecipe.untrainedGenerator (recipe 6)
            Expect.isTrue (same (parameters rebuilt) (parameters session.State.Generator)) "the trainer's generator, weight for weight"
            Expect.isFalse (same (parameters other) (parameters session.State.Generator)) "another seed, other weights"
        }

        test "bad runner input: unknown cell ids and a results folder of another grid are refused, nothing touched" {
            inTempDir (fun dir ->
                let experiment =
                    { Experiment.named "mini" with
                        Grids = [ { Grid.named "g" with
                                      Datasets = [ Toy ToyKind.EightGaussians ]; Architectures = [ ToyMlp(8, 2) ]
                                      Methods = [ Paper.Toy.wganGp ]; Iterations = 2; BatchSize = 8; SampleCount = 10 } ] }
                let options: Runner.Options =
                    { ResultsRoot = dir; Budget = Cells.Scaled 1.0; Select = [ "no-such-cell" ]; Device = "cpu"; Figures = Runner.NoFigures
                      DataPaths = Map.empty; DecodeThreads = 1; Precision = WganGp.Core.Numerics.Precision.Float32; Command = "test"; Schedule = Runner.Schedule.defaults
                      Cancel = Threading.CancellationToken.None; Table = true }
                match Runner.run options experiment with
                | Error [ e ] -> Expect.stringContains e "--cells no-such-cell: no cell id of mini contains it" "named"
                | other -> failtestf "expected one error, got %A" other
                // A run directory under this cell's id whose cell.json names another cell.
                let cell = Cells.ofExperiment (Cells.Scaled 1.0) experiment |> Result.defaultValue [] |> List.exactlyOne
                let runDir = Path.Combine(dir, "mini", Cells.id cell)
                writeCellNames runDir [] 0 |> ignore
                let cellJson = Path.Combine(runDir, CellRecipe.fileName)
                File.WriteAllText(cellJson, File.ReadAllText(cellJson).Replace(Cells.id cell, "8gaussians-other-cell"))
                let before = File.ReadAllText cellJson
                match Runner.run { options with Select = [] } experiment with
                | Error [ e ] -> Expect.stringContains e "holds the run of cell 8gaussians-other-cell" "named"
                | other -> failtestf "expected one error, got %A" other
                Expect.equal (File.ReadAllText cellJson) before "left as it was"
                Expect.equal (Directory.GetFiles runDir).Length 1 "nothing written beside it"
                // gan_mnist.py's sigmoid generator against data in [-1, 1] could never match it: refused.
                let mismatched = { experiment.Grids.Head with Datasets = [ Real Datasets.fashionMnist ]; Architectures = [ MnistDcgan ] }
                let problems = Cells.validate mismatched
                Expect.exists problems (fun e -> e.Contains "outputs are scaled ZeroOne but fashion-mnist is scaled MinusOneOne") $"refused: %A{problems}")
        }
    
        test "a Fashion-MNIST grid scored by a classifier: cls_ scores beside their real-data ceilings, with their protocol" {
            requireFashionMnist ()
            inTempDir (fun dir ->
                let classifier = Path.Combine(dir, "fashion.weights")
                (use all = WganGp.Core.Metrics.Classifier.ClassifierTraining.LoadSplit(Datasets.fashionMnist.Path, true, 28)
                 use train = new LabelledImages("train", all.Images.narrow(0L, 0L, 1024L).clone(), all.Labels.narrow(0L, 0L, 1024L).clone())
                 use test = new LabelledImages("test", all.Images.narrow(0L, 1024L, 256L).clone(), all.Labels.narrow(0L, 1024L, 256L).clone())
                 WganGp.Core.Metrics.Classifier.ClassifierTraining.TrainAndSave("fashion-mnist", train, test,
                     WganGp.Core.Metrics.Classifier.ClassifierTrainingOptions(1, 5L), classifier) |> ignore)
                let experiment =
                    { Experiment.named "fashion" with
                        Grids = [ { Grid.named "g" with
                                      Datasets = [ Real Datasets.fashionMnistZeroOne ]; Architectures = [ MnistDcgan ]
                                      Methods = [ Paper.Mnist.wganGp ]; Iterations = 2; BatchSize = 8; SampleCount = 300 } ] }
                let options: Runner.Options =
                    { ResultsRoot = dir; Budget = Cells.Scaled 1.0; Select = []; Device = "cpu"; Figures = Runner.NoFigures
                      DataPaths = Map.empty; DecodeThreads = 1; Precision = WganGp.Core.Numerics.Precision.Float32; Command = "test"; Table = true
                      Schedule =
                          { Runner.Schedule.defaults with
                              EvaluationSamples = Some 300; EvaluateEvery = Some 1
                              Scoring = { Scoring.none with Classifier = Some classifier; ReferenceCount = 300 } }
                      Cancel = Threading.CancellationToken.None }
                match Runner.run options experiment with
                | Error e -> failtestf "%A" e
                | Ok () ->
                    let runDir = runDirectories (Path.Combine(dir, "fashion")) |> Array.exactlyOne
                    Expect.equal (RunDirectory.status runDir) RunStatus.Finished "trained"
                    use scores = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, RunFiles.Scores)))
                    let score (name: string) = scores.RootElement.GetProperty(name).GetDouble()
                    // An untrained generator against real images: far from the real test split's own distance.
                    Expect.isGreaterThan (score "cls_fid") (5.0 * score "cls_fid_real") "generated FID far above the real ceiling"
                    Expect.isGreaterThan (score "cls_is_real") (score "cls_is") "real images are more confidently classified"
                    use protocol = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, RunFiles.Protocol)))
                    let fid = protocol.RootElement.GetProperty "cls_fid"
                    Expect.equal (fid.GetProperty("backbone").GetString()) "classifier-fashion-mnist" "backbone"
                    Expect.equal (fid.GetProperty("reference_n").GetString()) "300" "reference N"
                    Expect.stringContains (fid.GetProperty("real_baseline").GetString() |> string) "fashion-mnist-test" "ceiling from the test split"
                    let evaluations = File.ReadAllLines(Path.Combine(runDir, RunFiles.Evaluations))
                    Expect.exists evaluations (fun l -> l.StartsWith "2," && l.Contains ",cls_fid,") "evaluated during training"
                    Expect.isTrue (File.Exists(Path.Combine(runDir, "checkpoints", "best.ckpt"))) "best.ckpt by cls_fid"
                    Expect.stringContains (File.ReadAllText(Path.Combine(dir, "fashion", "summary.md"))) "classifier-fashion-mnist" "the table states the protocol")
        }
    ]
