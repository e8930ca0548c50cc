module WganGp.Tests.GridTests

open System.IO
open Expecto
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Training
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Tests.Support

let private grid =
    { Grid.named "g" with
        Datasets = [ Toy ToyKind.EightGaussians; Toy ToyKind.SwissRoll ]
        Architectures = [ ToyMlp(16, 3) ]
        Methods = [ Paper.Toy.wganGp; Paper.Toy.wganClipping ]
        Seeds = [ 0; 1; 2 ]
        Iterations = 100 }

let private cells budget g = Cells.expand "exp" budget g

let private options dir : Runner.Options =
    { ResultsRoot = dir; Budget = Cells.Scaled 1.0; Select = []; Device = "cpu"; Figures = Runner.NoFigures
      DataPaths = Map.empty; DecodeThreads = 1; Precision = WganGp.Core.Numerics.Precision.Float32; Command = "test"
      Schedule = Runner.Schedule.defaults; Cancel = System.Threading.CancellationToken.None; Table = true }

/// Writes a run directory as the trainer would, with given scores and status.
let private fakeRun (root: string) id dataset methodName seed status (scores: (string * float) list) =
    let files = RunFiles(Path.Combine(root, id))
    writeCellNames (Path.Combine(root, id)) [ "dataset", dataset; "architecture", "mlp16x3"; "method", methodName ] seed |> ignore
    files.WriteJson(RunFiles.Scores, dict scores)
    files.WriteStatus((RunStatusText.TryParse status).Value, 10, 1.0)

/// A grid script that defines its own penalty (for the normaliser test).
let private penaltyScript = """
open WganGp.Core.Methods
open WganGp.Experiments
open WganGp.Experiments.Dsl

/// A penalty of the script's own (λ = 5 on the paper's interpolates), which declares that it cannot share a critic
/// with batch norm.
type HalfPenalty() =
    let inner = GradientPenalty(5.0) :> ILipschitzConstraint
    interface ILipschitzConstraint with
        member _.Name = "half-gp"
        member _.Validate critic = inner.Validate critic
        member _.Penalty(critic, real, fake) = inner.Penalty(critic, real, fake)
        member _.AfterCriticStep critic = inner.AfterCriticStep critic
        member _.Describe() = readOnlyDict [ "type", box "half-gp" ]
        member _.ToleratesBatchNorm = false

let experiment =
    { Experiment.named "penalty" with
        Grids =
            [ { Grid.named "g" with
                  Datasets = [ Real Datasets.fashionMnist32 ]
                  Architectures = [ Figure2(WganGp.Core.Nets.Figure2Variant.Dcgan, 32, 1, 0.25) ]
                  Methods = [ Methods.WganGp.WithConstraint(HalfPenalty()).WithName("half-gp") ] } ] }
"""

let tests =
    testList "grid, cells and tables" [
        test "the Cartesian product: datasets × architectures × methods × seeds, each method with its own optimiser" {
            let cs = cells (Cells.Scaled 1.0) grid
            Expect.equal cs.Length 12 "2 × 1 × 2 × 3"
            Expect.equal (cs |> List.map Cells.id |> List.distinct |> List.length) 12 "distinct ids"
            let gp = cs |> List.find (fun c -> c.Method.Name = "wgan-gp")
            Expect.equal (gp.Method.Optimizer :?> AdamSpec).Beta1 0.5 "gan_toy.py's Adam for WGAN-GP"
            let clip = cs |> List.find (fun c -> c.Method.Name = "wgan-clip")
            Expect.isTrue (clip.Method.Optimizer :? RmsPropSpec) "RMSProp for clipping"
        }

        test "optimisers cross with methods (WGAN-GP with RMSProp, as Figure 3) and overrides change single cells" {
            let g =
                { grid with
                    Methods = [ Paper.wganGp ]
                    Optimizers = [ Paper.adam 1e-4 0.5 0.9; Paper.rmsprop 5e-5 ]
                    Overrides = [ Override.forDataset (Toy ToyKind.SwissRoll) (fun c -> { c with BatchSize = 64 }) ] }
            let cs = cells (Cells.Scaled 1.0) g
            Expect.equal cs.Length 12 "2 datasets × 2 optimisers × 3 seeds"
            Expect.equal (cs |> List.map (fun c -> c.Method.Name) |> List.distinct |> List.sort) [ "wgan-gp-adam"; "wgan-gp-rmsprop" ] "named by optimiser"
            for c in cs do
                Expect.equal c.BatchSize (if c.Dataset = Toy ToyKind.SwissRoll then 64 else 256) "override applied where it matches"
        }

        test "cell ids are stable across runs and machines, and change with any setting" {
            let cell = cells (Cells.Scaled 1.0) grid |> List.head
            Expect.equal (Cells.id cell) "8gaussians-mlp16x3-wgan-gp-s0-e10d71f8" "the same settings give the same id"
            let scaled = cells (Cells.Scaled 0.5) grid |> List.head
            Expect.notEqual (Cells.id scaled) (Cells.id cell) "iterations are part of the id"
            Expect.equal scaled.Iterations 50 "scaled budget"
            let lambda10 = { cell with Method = Paper.Toy.wganGp.WithConstraint(GradientPenalty 10.0) }
            Expect.notEqual (Cells.id lambda10) (Cells.id cell) "λ is part of the id even under the same name"
            Expect.equal ((cells Cells.PaperBudget grid).Head.Iterations) 100_000 "the paper's budget"
            // Every field of a cell, changed alone, changes the id.
            let changes =
                [ "experiment", { cell with Experiment = "other" }
                  "grid", { cell with Grid = "other" }
                  "dataset", { cell with Dataset = Toy ToyKind.SwissRoll }
                  "architecture", { cell with Architecture = ToyMlp(16, 4) }
                  "architecture width", { cell with Architecture = Figure2(WganGp.Core.Nets.Figure2Variant.Dcgan, 32, 1, 0.5) }
                  "optimiser", { cell with Method = cell.Method.WithOptimizer(AdamSpec(2e-4, 0.5, 0.9)) }
                  "critic steps", { cell with Method = cell.Method.WithCriticIterations 1 }
                  "seed", { cell with Seed = 1 }
                  "batch size", { cell with BatchSize = cell.BatchSize + 1 }
                  "sample count", { cell with SampleCount = cell.SampleCount + 1 }
                  "init", { cell with Init = WganGp.Core.Nets.InitScheme.PyTorch }
                  "scoring", { cell with Scoring = { cell.Scoring with Splits = 5 } } ]
            for what, changed in changes do
                Expect.notEqual (Cells.id changed) (Cells.id cell) $"{what} is part of the id"
            let widths = [ 1.0; 0.5 ] |> List.map (fun w -> Cells.id { cell with Architecture = Figure2(WganGp.Core.Nets.Figure2Variant.Dcgan, 32, 1, w) })
            Expect.notEqual widths.[0] widths.[1] "the width alone changes the id"
        }

        test "a malformed grid is refused before anything runs, naming the grid and field" {
            let bad = { Experiment.named "x" with Grids = [ { grid with Seeds = []; Methods = [ Paper.wganGp; Paper.wganGp ] } ] }
            match Cells.ofExperiment (Cells.Scaled 1.0) bad with
            | Ok _ -> failtest "accepted"
            | Error errors ->
                Expect.contains errors "grid 'g': Seeds is empty" "empty seeds"
                Expect.isTrue (errors |> List.exists (fun e -> e.Contains "two methods are named 'wgan-gp'")) "duplicate names"
        }

        test "experiments/toy.fsx loads as a typed experiment: 12 grid cells and the Figure 1 panels" {
            match repoExperiment "toy.fsx" with
            | Error e -> failtestf "%A" e
            | Ok experiment ->
                Expect.equal experiment.Name "toy" "name"
                match Cells.ofExperiment (Cells.Scaled 1.0) experiment with
                | Ok cs -> Expect.equal cs.Length 12 "3 datasets × 2 methods × 2 seeds"
                | Error e -> failtestf "%A" e
                Expect.equal experiment.Figures.Length 2 "figure 1a and figure 1b/c"
        }

        test "what a method needs of the pair and the data is refused when the grid is planned: AC-WGAN-GP without a class head or labels" {
            let grid =
                { Grid.named "ac" with
                    Datasets = [ Real(Datasets.cifar10 "/data/cifar10"); Real(Datasets.imageFolder "faces" "/data/faces" 32) ]
                    Architectures = [ CifarResNet true; CifarDcgan(3, 1.0) ]
                    Methods = [ Paper.Cifar.acWganGp ] }
            let problems = Cells.validate grid
            Expect.contains problems "grid 'ac': ac-wgan-gp needs a class-conditional pair (a conditional generator and a critic with a class head, e.g. CifarResNet true); cifar-dcgan is not one" "no class head"
            Expect.contains problems "grid 'ac': ac-wgan-gp needs labelled data (IDX, CIFAR-10); faces has no labels" "no labels"
            Expect.equal problems.Length 2 "the conditional ResNet on CIFAR-10 is fine"
        }

        test "experiments/variants.fsx: a method defined in the script and per-cell overrides" {
            match repoExperiment "variants.fsx" with
            | Error e -> failtestf "%A" e
            | Ok experiment ->
                let cs = Cells.ofExperiment (Cells.Scaled 1.0) experiment |> Result.defaultWith (failtestf "%A")
                Expect.equal cs.Length 12 "4 methods × 3 seeds"
                let hinge = cs |> List.find (fun c -> c.Method.Name = "wgan-gp-hinge")
                use real = TorchSharp.torch.tensor([| 2.0f; 0.0f |])
                use fake = TorchSharp.torch.tensor([| -2.0f; 0.0f |])
                Expect.equal (hinge.Method.CriticLoss.Compute.Invoke(real, fake).item<float32>()) 1.0f "hinge: mean relu(1 − D(x)) + mean relu(1 + D(x̃))"
                for c in cs do Expect.equal c.BatchSize (if c.Method.Name = "one-sided" then 128 else 256) "override"
        }

        test "pre-registered criteria on a score its scorer declares higher-is-better, or no scorer declares, are refused when the script loads" {
            inTempDir (fun dir ->
                for score, expected in [ "cls_is", "Criteria.Score 'cls_is' is higher-is-better"; "nope", "Criteria.Score 'nope' is declared by no scorer"
                                         "modes", "Criteria.Score 'modes' is higher-is-better"; "js4", "Criteria.Score 'js4' has no real-data ceiling" ] do
                    let path = Path.Combine(dir, "criteria.fsx")
                    File.WriteAllText(path, $"""open WganGp.Experiments.Dsl
let experiment =
    {{ Experiment.named "c" with
        Grids = [ {{ Grid.named "g" with Criteria = Some {{ Score = "{score}"; Trains = 0.5; Fails = 0.2; Claims = [] }} }} ] }}""")
                    match ScriptLoader.loadExperiment path with
                    | Ok _ -> failtest $"{score}: accepted"
                    | Error errors -> Expect.stringContains (String.concat "\n" errors) expected score)
        }

        test "a mistake in a grid script is reported with its file and line" {
            inTempDir (fun dir ->
                let path = Path.Combine(dir, "broken.fsx")
                File.WriteAllLines(path, [| "open WganGp.Experiments.Dsl"; "let experiment ="; "    { Experiment.named \"b\" with Grids = 3 }" |])
                match ScriptLoader.loadExperiment path with
                | Ok _ -> failtest "accepted"
                | Error errors -> Expect.stringContains (String.concat "\n" errors) "broken.fsx(3," "file and line")
        }

        test "Deedle aggregation of synthetic run directories: mean ± std over seeds, diverged runs counted apart" {
            inTempDir (fun dir ->
                fakeRun dir "a0" "8gaussians" "wgan-gp" 0 "finished" [ "modes", 8.0; "energy", 0.1 ]
                fakeRun dir "a1" "8gaussians" "wgan-gp" 1 "finished" [ "modes", 6.0; "energy", 0.3 ]
                fakeRun dir "b0" "8gaussians" "wgan-clip" 0 "finished" [ "modes", 3.0; "energy", 0.5 ]
                fakeRun dir "b1" "8gaussians" "wgan-clip" 1 "diverged" []
                Directory.CreateDirectory(Path.Combine(dir, "not-a-run")) |> ignore
                match Report.table dir "wgangp table" [] with
                | Error e -> failtest e
                | Ok markdown ->
                    Expect.stringContains markdown "| 8gaussians | mlp16x3 | wgan-gp | 2 | 2 | 0 | 0 | 0.200 ± 0.141 |" "gp row"
                    Expect.stringContains markdown "| wgan-clip | 2 | 1 | 1 | 0 | 0.500 (n = 1) |" "clip row: 1 finished, 1 diverged: one value, no spread"
                    let csv = File.ReadAllLines(Path.Combine(dir, "summary.csv"))
                    Expect.equal csv.Length 3 "header + two groups"
                    Expect.stringContains (File.ReadAllText(Path.Combine(dir, "summary.md"))) "Produced by `wgangp table`" "command written beside the table")
        }

        test "runner: cells run into results/<experiment>/<id>/, a rerun skips finished cells, a failing cell does not stop the grid but fails the run" {
            inTempDir (fun dir ->
                let failing = Paper.Toy.wganGp.WithName("broken").WithCriticIterations(0)
                let experiment =
                    { Experiment.named "mini" with
                        Grids = [ { grid with Datasets = [ Toy ToyKind.EightGaussians ]; Methods = [ failing; Paper.Toy.wganGp ]; Seeds = [ 0 ]; Iterations = 3; BatchSize = 16; SampleCount = 40 } ] }
                match Runner.run (options dir) experiment with
                | Ok () -> failtest "a failed cell must fail the run"
                | Error e ->
                    let cs = Cells.ofExperiment (Cells.Scaled 1.0) experiment |> Result.defaultValue []
                    let failedDir = Path.Combine(dir, "mini", Cells.id cs.[0])
                    Expect.equal e [ "1 of 2 cells failed (rerun the same command to retry them):"
                                     $"  {Cells.id cs.[0]}: method 'broken': CriticIterations must be at least 1, got 0 (error and trace: {failedDir}/status.json)" ]
                        "the failed cell, its error and where it is recorded"
                    let status c = RunDirectory.status (Path.Combine(dir, "mini", Cells.id c))
                    Expect.equal (cs |> List.map status) [ RunStatus.Failed; RunStatus.Finished ] "the failure is recorded, the next cell ran"
                    let log = Path.Combine(dir, "mini", Cells.id cs.[1], RunFiles.Log)
                    let stamp = File.GetLastWriteTimeUtc log
                    Runner.run (options dir) experiment |> ignore
                    Expect.equal (File.GetLastWriteTimeUtc log) stamp "finished cell not retrained"
                    Expect.isTrue (File.Exists(Path.Combine(dir, "mini", "summary.md"))) "table written")
        }
    
        test "runner: a folder whose cells were trained in float32 is refused under --precision bf16 before anything trains, naming the run and both precisions" {
            inTempDir (fun dir ->
                let experiment =
                    { Experiment.named "mini" with
                        Grids = [ { grid with Datasets = [ Toy ToyKind.EightGaussians ]; Methods = [ Paper.Toy.wganGp ]; Seeds = [ 0 ]; Iterations = 2; BatchSize = 16; SampleCount = 40 } ] }
                Expect.equal (Runner.run { options dir with Table = false } experiment) (Ok()) "trained in float32"
                let cell = Cells.ofExperiment (Cells.Scaled 1.0) experiment |> Result.defaultValue [] |> List.head
                let runDir = Path.Combine(dir, "mini", Cells.id cell)
                let log = File.ReadAllText(Path.Combine(runDir, RunFiles.Log))
                match Runner.run { options dir with Precision = WganGp.Core.Numerics.Precision.Bf16Convolutions; Table = false } experiment with
                | Ok () -> failtest "a float32 folder must not take bf16 runs"
                | Error e ->
                    Expect.equal e [ $"{runDir} was trained with float32 convolutions and this run asks for bf16: run with --precision float32, or give another --results folder" ] "the refusal"
                    Expect.equal (File.ReadAllText(Path.Combine(runDir, RunFiles.Log))) log "nothing touched")
        }

        test "every script in experiments/ compiles and expands into valid cells with distinct ids" {
            let scripts = repoScripts ()
            Expect.isGreaterThanOrEqual scripts.Length 7 "toy, variants and the five grids of the paper"
            for script in scripts do
                match repoExperiment script |> Result.bind (Cells.ofExperiment (Cells.Scaled 1.0)) with
                | Ok cells -> Expect.isNonEmpty cells $"{script} has cells"
                | Error errors -> failwith $"""{script}: {String.concat "; " errors}"""
        }

        test "the paper's grids: Figure 2's 7 x 4 matrix, Figure 3's four runs, each network with its own method" {
            let cells name paper =
                match repoExperiment name with
                | Ok e -> (Cells.ofExperiment (if paper then Cells.PaperBudget else Cells.Scaled 1.0) e |> Result.defaultValue [])
                | Error errors -> failwith (String.concat "; " errors)
            let lsun = cells "lsun-matrix.fsx" true
            Expect.equal lsun.Length 28 "7 architectures x 4 methods"
            Expect.isTrue (lsun |> List.forall (fun c -> c.Iterations = 200_000 && c.BatchSize = 64)) "200k iterations at batch 64"
            let fashion = cells "fashion-matrix.fsx" false
            Expect.equal (fashion |> List.map (fun c -> Names.architecture c.Architecture) |> List.distinct |> List.length) 7 "the same 7 rows"
            Expect.isTrue (fashion |> List.forall (fun c -> match c.Architecture with :? WganGp.Core.Nets.Figure2Entry as f -> f.Size = 32 && f.Channels = 1 | _ -> false)) "at 32x32x1"
            let cifar = cells "cifar10.fsx" true
            Expect.equal (cifar |> List.filter (fun c -> c.Grid = "figure3") |> List.map (fun c -> c.Method.Name))
                [ "wgan-clip"; "wgan-gp-rmsprop"; "wgan-gp"; "dcgan" ] "Figure 3's runs"
            // Published ids: gan_cifar.py's pair gained channels and width, and the paper's cells keep their ids.
            Expect.equal (cells "cifar10.fsx" false |> List.filter (fun c -> c.Grid = "figure3") |> List.map Cells.id)
                [ "cifar10-cifar-dcgan-wgan-clip-s0-4b6e95e1"; "cifar10-cifar-dcgan-wgan-gp-rmsprop-s0-f5609a55"
                  "cifar10-cifar-dcgan-wgan-gp-s0-d34ab040"; "cifar10-cifar-dcgan-dcgan-s0-6a4ba93a" ] "cifar10.fsx's Figure 3 ids at its default budget"
            let figure3 = cells "figure3.fsx" false
            Expect.equal (figure3 |> List.map (fun c -> c.Method.Name, c.Seed))
                [ for m in [ "wgan-clip"; "wgan-gp-rmsprop"; "wgan-gp-adam"; "dcgan" ] do for s in 0..2 -> m, s ] "Figure 3 on Fashion-MNIST: four runs, three seeds"
            Expect.isTrue (figure3 |> List.forall (fun c -> match c.Architecture with :? WganGp.Core.Nets.CifarDcganEntry as a when a.Channels = 1 -> c.BatchSize = 64 | _ -> false))
                "gan_cifar.py's pair at one channel, batch 64"
            Expect.equal (figure3 |> List.map (fun c -> c.Method.Optimizer.ToString()) |> List.distinct)
                [ "RMSProp(5E-05)"; "Adam(0.0001, β=(0.5, 0.9))"; "Adam(0.0002, β=(0.5, 0.999))" ] "clipping and WGAN-GP share RMSProp(5e-5)"
            let supervised = cifar |> List.find (fun c -> c.Grid = "table3-supervised")
            Expect.equal (supervised.Architecture, supervised.Method.Name, supervised.Iterations) (CifarResNet true, "ac-wgan-gp", 100_000) "AC-WGAN-GP on the conditional ResNet"
            let random = cells "random-archs.fsx" false
            for c in random do
                match c.Architecture with
                | :? WganGp.Core.Nets.RandomArchEntry as r ->
                    let decay = (c.Method.Optimizer.Describe().["weight_decay"] :?> float)
                    Expect.equal decay r.Spec.CriticWeightDecay $"{r.Name}: weight decay 1e-3 exactly when the critic is normalised"
                | other -> failwith $"unexpected {other}"
        }
    
        test "under --paper the CIFAR grids score as their scripts: Table 3 on 50k in 10 splits, Figure 3 on 1k; batches of 100, the scripts' rounding, two towers" {
            let experiment = repoExperiment "cifar10.fsx" |> Result.defaultWith (String.concat "; " >> failwith)
            let cellsAt budget = Cells.ofExperiment budget experiment |> Result.defaultWith (failtestf "%A")
            let paper, small = cellsAt Cells.PaperBudget, cellsAt (Cells.Scaled 1.0)
            let inGrid name (cs: Cell list) = cs |> List.filter (fun c -> c.Grid = name)
            for name in [ "table3-unsupervised"; "table3-supervised" ] do
                for c in inGrid name paper do
                    Expect.equal (c.SampleCount, c.Scoring.Splits, c.Scoring.SampleBatch, c.Scoring.Rounding)
                        (50_000, 10, Some 100, WganGp.Core.Metrics.PixelRounding.Truncate25599) $"{name}: gan_cifar_resnet.py's protocol"
                    Expect.equal c.Method.GeneratorTowers 2 $"{name}: two towers"
                    Expect.equal (Runner.Schedule.evaluations Runner.Schedule.defaults Cells.PaperBudget c) (1000, 50_000) $"{name}: inception_50k every 1000 iterations"
                    Expect.equal (Runner.Schedule.evaluations { Runner.Schedule.defaults with EvaluationSamples = Some 5000 } Cells.PaperBudget c) (1000, 5000) "--eval-samples still wins"
                for c in inGrid name small do
                    Expect.equal c.SampleCount 1000 $"{name}: the default budget keeps its small N"
                    Expect.equal (Runner.Schedule.evaluations Runner.Schedule.defaults (Cells.Scaled 1.0) c) (100, 1000) "the runner's own schedule"
            for c in inGrid "figure3" paper do
                Expect.equal (c.SampleCount, c.Scoring.Splits, c.Scoring.SampleBatch, c.Scoring.Rounding)
                    (1000, 10, Some 100, WganGp.Core.Metrics.PixelRounding.Truncate255) $"{c.Method.Name}: gan_cifar.py's protocol"
                Expect.equal c.Method.GeneratorTowers 1 "gan_cifar.py trains on one device"
                Expect.equal (Runner.Schedule.evaluations Runner.Schedule.defaults Cells.PaperBudget c) (1000, 1000) "1k every 1000 iterations"
            // The protocol is part of a cell's id only when it is not the standard one.
            let table3 = inGrid "table3-unsupervised" paper |> List.head
            Expect.stringContains (Cells.settingsJson table3) "\"rounding\":\"Truncate25599\"" "recorded in the id's settings"
            Expect.notEqual (Cells.id table3) (Cells.id { table3 with Scoring = ScoreProtocol.standard }) "another protocol, another id"
            let toy = cells (Cells.Scaled 1.0) grid |> List.head
            Expect.isFalse ((Cells.settingsJson toy).Contains "scoring") "standard: not written, so existing ids stay"
        }

        test "Init = InitScheme.PyTorch on a grid: the networks keep TorchSharp's defaults and the cells get their own ids" {
            let tflib = cells (Cells.Scaled 1.0) grid |> List.head
            let pytorch = cells (Cells.Scaled 1.0) { grid with Init = WganGp.Core.Nets.InitScheme.PyTorch } |> List.head
            Expect.notEqual (Cells.id pytorch) (Cells.id tflib) "a different id"
            Expect.stringContains (Cells.settingsJson pytorch) "\"init\":\"PyTorch\"" "recorded"
            Expect.isFalse ((Cells.settingsJson tflib).Contains "init") "the default is not written, so existing ids stay"
            let biases (cell: Cell) =
                let g, _, _ = Cells.networks cell.Architecture cell.Method cell.Init [| 2L |]
                use net = g.Invoke()
                net.named_parameters() |> Seq.filter (fun struct (n, _) -> n.EndsWith "bias")
                |> Seq.sumBy (fun struct (_, p) -> p.abs().sum().item<float32>() |> float)
            Expect.equal (biases tflib) 0.0 "tflib: biases start at 0"
            Expect.isGreaterThan (biases pytorch) 0.0 "PyTorch: uniform biases"
        }

        test "a penalty defined in a script gets layer norm in a Figure 2 critic without any change to the networks" {
            inTempDir (fun dir ->
                let script = Path.Combine(dir, "penalty.fsx")
                File.WriteAllText(script, penaltyScript)
                match ScriptLoader.loadExperiment script with
                | Error e -> failtestf "%A" e
                | Ok experiment ->
                    let cell = Cells.ofExperiment (Cells.Scaled 1.0) experiment |> Result.defaultValue [] |> List.exactlyOne
                    Expect.equal (Cells.normalisers cell.Architecture cell.Method.Constraint).Critic WganGp.Core.Nets.Normaliser.Layer "chosen once, from the declaration"
                    let _, critic, _ = Cells.networks cell.Architecture cell.Method cell.Init [| 1L; 32L; 32L |]
                    use d = critic.Invoke()
                    Expect.isTrue (hasModule<TorchSharp.Modules.GroupNorm> d) "layer norm (GroupNorm(1, C))"
                    Expect.isFalse (hasModule<TorchSharp.Modules.BatchNorm2d> d) "no batch norm"
                    cell.Method.Constraint.Validate d)
        }
    ]
