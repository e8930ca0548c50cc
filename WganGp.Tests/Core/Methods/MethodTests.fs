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

/// A conditional toy generator (labels ignored) and a critic with a class head, for the AC-GAN terms.
type private ToyConditional(classes: int) as this =
    inherit Module("toy-conditional")
    let linear = torch.nn.Linear(2L, 2L)
    do this.RegisterComponents()
    override _.forward z = linear.call z
    interface IConditionalGenerator with
        member _.Classes = classes
        member _.Forward(z, _) = linear.call z

type private ToyClassifying(classes: int) as this =
    inherit Module("toy-classifying")
    let score = torch.nn.Linear(2L, 1L)
    let head = torch.nn.Linear(2L, int64 classes)
    do this.RegisterComponents()
    override _.forward x = score.call x
    interface IClassifyingCritic with
        member _.Classes = classes
        member _.ForwardWithClasses x = struct (score.call x, head.call x)
    member _.Head = head

let private softplus (x: float) = log (1.0 + exp x)

/// A small generator that records the batch size of every call.
let private recordingGenerator (sizes: System.Collections.Generic.List<int64>) =
    let linear = new Mlp(4, 4, 2, 1)
    { new Module("recording") with
        override _.forward z =
            sizes.Add z.shape.[0]
            linear.call z
        override _.parameters(recurse) = linear.parameters(recurse) }

let tests =
    testList "methods and trainer" [
        test "DCGAN and LSGAN losses by value: ½[BCE(D(x), 1) + BCE(D(x̃), 0)], BCE(D(x̃), 1); ½[mean (D(x) − 1)² + mean D(x̃)²], mean (D(x̃) − 1)²" {
            let r, f = [| 2.0; -1.0; 0.5 |], [| 0.5; -3.0; 1.5 |]
            use real = torch.tensor(r, dtype = torch.float64)
            use fake = torch.tensor(f, dtype = torch.float64)
            let value (t: torch.Tensor) = t.item<float>()
            // BCE with logits: −log σ(x) = softplus(−x) for target 1, softplus(x) for target 0.
            close 1e-12 (0.5 * (Array.averageBy (fun x -> softplus -x) r + Array.averageBy softplus f))
                (value (Methods.Dcgan.CriticLoss.Compute.Invoke(real, fake))) "DCGAN critic"
            close 1e-12 (Array.averageBy (fun x -> softplus -x) f) (value (Methods.Dcgan.GeneratorLoss.Compute.Invoke fake)) "DCGAN generator (non-saturating)"
            close 1e-12 (0.5 * (Array.averageBy (fun x -> (x - 1.0) ** 2.0) r + Array.averageBy (fun x -> x * x) f))
                (value (Methods.Lsgan.CriticLoss.Compute.Invoke(real, fake))) "LSGAN critic"
            close 1e-12 (Array.averageBy (fun x -> (x - 1.0) ** 2.0) f) (value (Methods.Lsgan.GeneratorLoss.Compute.Invoke fake)) "LSGAN generator"
            close 1e-12 (Array.average f - Array.average r) (value (Methods.WganGp.CriticLoss.Compute.Invoke(real, fake))) "WGAN critic"
            close 1e-12 (-(Array.average f)) (value (Methods.WganGp.GeneratorLoss.Compute.Invoke fake)) "WGAN generator"
        }

        test "AC-WGAN-GP's generator step: −mean D(G(z)) + 0.1 × cross-entropy of the class head on the step's own uniform labels" {
            torch.manual_seed 21L |> ignore
            use generator = new ToyConditional(3)
            use critic = new ToyClassifying(3)
            use z = torch.randn(8L, 2L)
            use gOpt = torch.optim.SGD(generator.parameters(), 0.0)
            use cOpt = torch.optim.SGD(critic.parameters(), 0.0)
            let ctx = StepContext(generator, critic, gOpt, cOpt, (fun () -> failwith "no real batch in a generator step"), (fun () -> z))
            let method = AuxiliaryClassifierMethod(Methods.WganGp, 1.0, 0.1)
            torch.manual_seed 22L |> ignore
            let step = method.GeneratorStep ctx
            let loss = step.Loss
            // The labels the step drew: the same draw after the same seed.
            torch.manual_seed 22L |> ignore
            use labels = torch.randint(3L, [| 8L |], dtype = torch.int64)
            use x = generator.call z
            use score = critic.call x
            use logits = critic.Head.call x
            let ce = float (torch.nn.functional.cross_entropy(logits, labels).item<float32>())
            close 1e-6 (-(float (score.mean().item<float32>())) + 0.1 * ce) loss "Wasserstein term + 0.1 × class term"
            Expect.isGreaterThan ce 0.1 "the class term is not negligible here, so a wrong weight shows"
        }

        test "generator towers (gan_cifar_resnet.py's two GPUs): G is called on each half in critic and generator steps; uneven splits refused" {
            let sizes = System.Collections.Generic.List<int64>()
            let generator () = recordingGenerator sizes
            use data = ToyDataset.Create(ToyKind.EightGaussians, 0L)
            let m = Methods.WganGp.WithGeneratorBatchMultiple(2).WithGeneratorTowers(2)
            let config = TrainConfig(System.Func<_>(generator), System.Func<_>(fun () -> new Mlp(2, 8, 1, 2) :> Module), 4, data, m, 2, 8, 0L)
            use _ = Trainer.Run config
            // Iteration 0: 5 critic steps, each 2 × 4; iteration 1: the generator step as 2 × 8, then 5 critic steps.
            let critic = [ for _ in 1 .. 5 do yield 4L; yield 4L ]
            Expect.sequenceEqual sizes (critic @ [ 8L; 8L ] @ critic) "batch sizes seen by G"
            Expect.equal (unbox<int> (m.Describe().["generator_towers"])) 2 "recorded when set"
            Expect.isFalse (Methods.WganGp.Describe().ContainsKey "generator_towers") "absent at 1, so other ids stay"
            throwsWith<ArgumentException> "does not split into 3 equal generator towers" (fun () ->
                Trainer.Run(TrainConfig(System.Func<_>(generator), System.Func<_>(fun () -> new Mlp(2, 8, 1, 2) :> Module), 4, data,
                                        Methods.WganGp.WithGeneratorTowers 3, 1, 8, 0L)).Dispose())
        }

        test "Figure 1a's fixed generator: fakes are the critic step's own real batch + N(0, I); the independent variant is not" {
            // A critic that records its inputs: per critic step, the real batch, then the fake batch.
            let seen = System.Collections.Generic.List<torch.Tensor>()
            let critic () =
                let linear = new Mlp(2, 8, 1, 2)
                { new Module("recording-critic") with
                    override _.forward x =
                        if not x.requires_grad then seen.Add(x.detach().clone().DetachFromDisposeScope())
                        linear.call x
                    override _.parameters(recurse) = linear.parameters(recurse) }
            let noiseStd method =
                seen.Clear()
                use data = ToyDataset.Create(ToyKind.EightGaussians, 1L)
                use fixedData = ToyDataset.Create(ToyKind.EightGaussians, 2L)
                let config = TrainConfig(System.Func<_>(fun () -> new NoiseAroundData(fixedData) :> Module), System.Func<_>(critic), 2, data, method, 2, 512, 0L)
                use result = Trainer.Run config
                // Inputs without grad are the D(x) and D(x̃) calls (x̂ requires grad): pairs (real, fake) per step.
                let differences = [ for k in 0 .. 2 .. seen.Count - 2 -> seen.[k + 1] - seen.[k] ]
                use all = torch.cat(differences |> Array.ofList, 0L)
                for t in seen do t.Dispose()
                all.std().item<float32>(), all.mean().abs().item<float32>(), differences.Length
            let std, mean, steps = noiseStd (FixedGeneratorMethod(WganGp.Experiments.Paper.Toy.wganGp))
            Expect.equal steps 10 "2 iterations × 5 critic steps"
            Expect.isLessThan (abs (std - 1.0f)) 0.05f $"fake − real is N(0, I): std {std}"
            Expect.isLessThan mean 0.1f "and centred"
            let independent, _, _ = noiseStd WganGp.Experiments.Paper.Toy.wganGp
            Expect.isGreaterThan independent 1.3f $"an independent real batch adds the data's spread: std {independent}"
        }

        test "samples for scores are drawn in the sampling batch (the CIFAR scripts' 100), not the training batch" {
            let sizes = System.Collections.Generic.List<int64>()
            let generator () =
                let linear = new Mlp(2, 4, 2, 1)
                { new Module("recording") with
                    override _.forward z =
                        if not z.requires_grad && not (torch.is_grad_enabled ()) then sizes.Add z.shape.[0]
                        linear.call z
                    override _.parameters(recurse) = linear.parameters(recurse) }
            use data = ToyDataset.Create(ToyKind.EightGaussians, 0L)
            let config sampleBatch =
                TrainConfig(System.Func<_>(generator), System.Func<_>(fun () -> new Mlp(2, 8, 1, 2) :> Module), 2, data, Methods.WganGp, 1, 8, 0L,
                            SampleCount = 250, SampleBatchSize = sampleBatch, Evaluation = EvaluationOptions(1, 120, [||]))
            sizes.Clear()
            use _ = Trainer.Run(config (Nullable 100))
            // The untrained generator's evaluation (iteration 0) as 100 + 20, 5 critic steps under no_grad at 8, the
            // evaluation after iteration 1 as 100 + 20, the final 250 as 100 + 100 + 50.
            Expect.sequenceEqual sizes ([ 100L; 20L ] @ [ for _ in 1 .. 5 -> 8L ] @ [ 100L; 20L; 100L; 100L; 50L ]) "evaluation at 0, critic steps, evaluation, final samples"
            sizes.Clear()
            use _ = Trainer.Run(config (Nullable()))
            Expect.equal (Seq.last sizes) (250L % 8L) "unset: the training batch"
        }

        test "the learning-rate schedule reaches both optimisers at every iteration (linear decay to 0)" {
            let lr0 = 1e-3
            let method = Methods.WganGp.WithOptimizer(AdamSpec(lr0, 0.0, 0.9, LinearDecay = true))
            let seen = System.Collections.Generic.List<IterationStats>()
            use _ = Trainer.Run(toyConfig method 10, Action<IterationStats>(seen.Add))
            Expect.equal seen.Count 10 "one report per iteration"
            for s in seen do
                let expected = lr0 * (1.0 - float s.Iteration / 10.0)
                close 1e-15 expected s.CriticLearningRate $"critic lr at iteration {s.Iteration}"
                close 1e-15 expected s.GeneratorLearningRate $"generator lr at iteration {s.Iteration}"
        }


        test "the generator never decays, and the session's iterations (what bench step times) are the trainer's" {
            // A generator loss with zero gradient: Adam leaves a parameter alone unless weight decay adds a gradient.
            let decaying = AdamSpec(1e-2, 0.0, 0.9, LinearDecay = true).WithWeightDecay 1.0
            let method =
                withLosses (Methods.WganGp.WithOptimizer decaying) Methods.WganGp.CriticLoss
                    (GeneratorLoss("zero gradient", fun f -> f.sum() * 0.0))
            let parameters (m: Module) = [ for p in m.parameters() -> p.detach().clone() ]
            let same (a: torch.Tensor list) (b: torch.Tensor list) = List.forall2 (fun (x: torch.Tensor) y -> x.allclose(y, 0.0, 0.0)) a b
            use session = TrainingSession.Start(toyConfig method 6)
            use _ = session.State.Generator
            use _ = session.State.Critic
            let initialG, initialD = parameters session.State.Generator, parameters session.State.Critic
            for it in 0 .. 5 do session.Iterate(it, false) |> ignore
            Expect.isTrue (same (parameters session.State.Generator) initialG) "the session's generator took no weight decay"
            Expect.isFalse (same (parameters session.State.Critic) initialD) "the critic trained (and decayed)"
            use trained = Trainer.Run(toyConfig method 6)
            Expect.isTrue (same (parameters trained.Generator) initialG) "nor did the trainer's"
            Expect.isTrue (same (parameters trained.Critic) (parameters session.State.Critic)) "Trainer.Run's critic is the session loop's, bit for bit"
        }


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

        test "loop order: a generator step at every iteration but the first, then n_critic critic steps each" {
            let steps = System.Text.StringBuilder()
            let counting =
                withLosses Methods.WganGp
                    (CriticLoss("count", fun r f -> steps.Append 'C' |> ignore; f.mean() - r.mean()))
                    (GeneratorLoss("count", fun f -> steps.Append 'G' |> ignore; -f.mean()))
            use _ = Trainer.Run(toyConfig counting 4)
            Expect.equal (string steps) "CCCCCGCCCCCGCCCCCGCCCCC" "iteration 0: 5 critic steps; then G before each iteration's 5 critic steps"
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

        test "a run directory holds settings (the machine), a per-iteration log, samples, scores and status" {
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
                for key in [ "\"device\": \"cpu\""; "\"threads\""; "\"torchsharp\""; "\"numerics\""; "\"parameters\"" ] do
                    Expect.stringContains settings key "the machine, the versions and the networks as built"
                Expect.isFalse (settings.Contains "\"method\"") "never the cell itself (cell.json describes a grid's cells)"
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
            let generator () = recordingGenerator sizes
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
