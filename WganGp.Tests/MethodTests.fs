module WganGp.Tests.MethodTests

open System
open System.IO
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Tests.Support

let private toyConfigWith (method: Method) iterations (critic: (unit -> Module) option) (runDir: string option) sampleCount =
    TrainConfig(
        Func<Module>(fun () -> new Mlp(2, 16, 2, 3)),
        Func<Module>(defaultArg critic (fun () -> new Mlp(2, 16, 1, 3))), 2,
        ToyDataset.Create(ToyKind.EightGaussians, 1L), method, iterations, 32, 7L,
        RunDirectory = Option.toObj runDir, SampleCount = sampleCount,
        Scorers = [| WganGp.Core.Metrics.ToyScorer(ToyKind.EightGaussians, 1L) |])

let private toyConfig method iterations = toyConfigWith method iterations None None 0

/// The method with other losses (C# records have no F# copy-and-update).
let private withLosses (m: Method) criticLoss generatorLoss =
    Method(m.Name, criticLoss, generatorLoss, m.Constraint, m.Optimizer, m.CriticIterations)

let tests =
    testList "methods and trainer" [
        test "weight clipping keeps every critic parameter in [−c, c] after each critic step" {
            let method = Methods.WganClipping.WithConstraint(WeightClipping 0.05).WithOptimizer(RmsPropSpec 0.1)
            use result = Trainer.Run(toyConfig method 5)
            let worst = result.Critic.parameters() |> Seq.map (fun p -> p.abs().max().item<float32>()) |> Seq.max
            Expect.isLessThanOrEqual worst 0.05f "every parameter, biases included, within c"
            Expect.isGreaterThan worst 0.049f "a large learning rate pushed some parameter to the bound"
        }

        test "batch norm in a WGAN-GP critic is refused before training, with the reason" {
            let withBatchNorm () = torch.nn.Sequential(torch.nn.Linear(2L, 8L), torch.nn.BatchNorm1d(8L), torch.nn.ReLU(), torch.nn.Linear(8L, 1L)) :> Module
            let config = toyConfigWith Methods.WganGp 1 (Some withBatchNorm) None 0
            let message =
                try
                    Trainer.Run config |> ignore
                    "no error"
                with :? ArgumentException as e -> e.Message
            Expect.stringContains message "batch norm" "names the problem"
            Expect.stringContains message "paper §4" "says why"
            use clipped = Trainer.Run(toyConfigWith Methods.WganClipping 1 (Some withBatchNorm) None 0)
            Expect.equal clipped.Status RunStatus.Finished "weight clipping accepts a batch-norm critic (as the paper's code)"
        }

        test "loop order: a generator step at every iteration but the first, n_critic critic steps each" {
            let mutable critic, generator = 0, 0
            let counting =
                withLosses Methods.WganGp
                    (CriticLoss("count", fun r f -> critic <- critic + 1; f.mean() - r.mean()))
                    (GeneratorLoss("count", fun f -> generator <- generator + 1; -f.mean()))
            use _ = Trainer.Run(toyConfig counting 4)
            Expect.equal (generator, critic) (3, 20) "3 generator steps, 4 × 5 critic steps"
        }

        test "a user-defined variant (the one-sided penalty) trains without trainer changes" {
            use result = Trainer.Run(toyConfig Methods.WganGpOneSided 3)
            Expect.equal result.Status RunStatus.Finished "finished"
            Expect.equal Methods.WganGpOneSided.Constraint.Name "gp-one-sided" "its constraint"
        }

        test "paper optimiser settings: TF1 RMSProp (decay 0.9, ε 1e-10), Adam ε 1e-8, linear decay to 0" {
            let rms = Methods.WganClipping.Optimizer :?> RmsPropSpec
            Expect.equal (rms.LearningRate, rms.Decay, rms.Epsilon) (5e-5, 0.9, 1e-10) "RMSProp"
            let adam = Methods.WganGp.Optimizer :?> AdamSpec
            Expect.equal (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon) (1e-4, 0.0, 0.9, 1e-8) "Adam, Algorithm 1"
            let decaying = AdamSpec(2e-4, 0.0, 0.9, LinearDecay = true)
            Expect.equal [ for it in [ 0L; 50L; 100L ] -> decaying.LearningRateAt(it, 100L) ] [ 2e-4; 1e-4; 0.0 ] "linear decay"
        }

        test "RMSProp steps as TF1's: accumulator starting at 1, decay 0.9 (PyTorch's start at 0 available)" {
            let step (spec: RmsPropSpec) =
                use p = torch.nn.Parameter(torch.tensor([| 1.0 |], dtype = torch.float64))
                use optimizer = spec.Create([ p ])
                let loss = (p * 0.5).sum()   // gradient 0.5
                loss.backward ()
                optimizer.step () |> ignore
                p.item<float>()
            // TF1: ms = 0.9·1 + 0.1·0.25; p −= lr·g/√(ms + ε)
            close 1e-12 (1.0 - 0.01 * 0.5 / sqrt (0.9 + 0.1 * 0.25)) (step (RmsPropSpec(0.01))) "TF1 first step"
            // PyTorch: ms = 0.1·0.25; p −= lr·g/(√ms + ε)
            close 1e-9 (1.0 - 0.01 * 0.5 / sqrt (0.1 * 0.25)) (step (RmsPropSpec(0.01, InitialMeanSquare = 0.0))) "PyTorch first step"
        }

        test "seeded: two runs with the same seed give identical critics" {
            use a = Trainer.Run(toyConfig Methods.WganGp 3)
            use b = Trainer.Run(toyConfig Methods.WganGp 3)
            for pa, pb in Seq.zip (a.Critic.parameters()) (b.Critic.parameters()) do
                Expect.isTrue (pa.allclose(pb, 0.0, 0.0)) "identical parameters"
        }

        test "a run directory holds settings, a per-iteration log, samples, scores and status" {
            inTempDir (fun dir ->
                let config = toyConfigWith Methods.WganGp 6 None (Some dir) 50
                use _ = Trainer.Run config
                let log = File.ReadAllLines(Path.Combine(dir, RunFiles.Log))
                Expect.equal log.[0] RunFiles.LogHeader "log header"
                Expect.equal log.Length 7 "one row per generator iteration"
                let last = log.[6].Split ','
                Expect.equal last.[0] "5" "iteration"
                for column in 1 .. 6 do Expect.isNotEmpty last.[column] $"column {column} filled"
                Expect.equal (File.ReadAllLines(Path.Combine(dir, RunFiles.Samples)).Length) 51 "50 samples + header"
                let settings = File.ReadAllText(Path.Combine(dir, RunFiles.Settings))
                for key in [ "\"lambda\": 10"; "\"critic_iterations\": 5"; "\"beta2\": 0.9"; "\"seed\": 7" ] do
                    Expect.stringContains settings key "resolved settings"
                Expect.stringContains (File.ReadAllText(Path.Combine(dir, RunFiles.Scores))) "\"modes\"" "scores"
                Expect.stringContains (File.ReadAllText(Path.Combine(dir, RunFiles.Status))) "\"finished\"" "status")
        }

        test "a non-finite loss stops the run and records it as diverged at that iteration" {
            inTempDir (fun dir ->
                let mutable steps = 0
                let exploding =
                    withLosses Methods.WganGp
                        (CriticLoss("nan-at-step-8", fun r f ->
                            steps <- steps + 1
                            let loss = f.mean() - r.mean()
                            if steps >= 8 then loss * Double.NaN else loss))
                        Losses.WassersteinGenerator
                use result = Trainer.Run(toyConfigWith exploding 10 None (Some dir) 20)
                Expect.equal result.Status RunStatus.Diverged "diverged"
                Expect.equal result.Iterations 2 "stopped in generator iteration 1 (critic steps 6-10)"
                Expect.equal steps 8 "no step after the non-finite one"
                let status = File.ReadAllText(Path.Combine(dir, RunFiles.Status))
                Expect.stringContains status "\"diverged\"" "status.json says diverged"
                Expect.stringContains status "iteration 1" "and where")
        }
    
        test "a generator batch multiple (gan_cifar_resnet.py's 2) gives generator steps twice the critic's batch; ids of other methods unchanged" {
            let sizes = System.Collections.Generic.List<int64>()
            let generator () =
                let linear = new Mlp(4, 4, 2, 1)
                { new Module("recording") with
                    override _.forward z =
                        sizes.Add z.shape.[0]
                        linear.call z
                    override _.parameters(recurse) = linear.parameters(recurse) }
            use data = ToyDataset.Create(ToyKind.EightGaussians, 0L)
            let m = Methods.WganGp.WithGeneratorBatchMultiple 2
            let config = TrainConfig(System.Func<_>(generator), System.Func<_>(fun () -> new Mlp(2, 8, 1, 2) :> Module), 4, data, m, 2, 8, 0L)
            use _ = Trainer.Run config
            // Iteration 0: 5 critic steps at 8; iteration 1: the generator step at 16, then 5 critic steps at 8.
            Expect.sequenceEqual sizes ([ for _ in 1 .. 5 -> 8L ] @ [ 16L ] @ [ for _ in 1 .. 5 -> 8L ]) "batch sizes seen by G"
            Expect.isFalse (Methods.WganGp.Describe().ContainsKey "generator_batch_multiple") "absent at 1"
            Expect.equal (unbox<int> (m.Describe().["generator_batch_multiple"])) 2 "recorded when set"
            throwsWith<System.ArgumentOutOfRangeException> "at least 1" (fun () -> Methods.WganGp.WithGeneratorBatchMultiple 0 |> ignore)
        }
    ]
