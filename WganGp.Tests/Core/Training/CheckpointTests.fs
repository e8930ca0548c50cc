/// Checkpoints and resume: a run stopped and resumed ends bit-identical to one that never stopped.
module WganGp.Tests.CheckpointTests

open System
open System.IO
open System.Threading
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Metrics
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Tests.Support

/// A small toy run: 20 generator iterations of WGAN-GP with Adam, checkpoints every 5, scored and evaluated.
let private toyConfig (dir: string) (data: IBatchSource) iterations width =
    TrainConfig(Func<Module>(fun () -> new Mlp(2, width, 2, 3)), Func<Module>(fun () -> new Mlp(2, width, 1, 3)), 2,
                data, Methods.WganGp, iterations, 32, 3L,
                RunDirectory = dir, SampleCount = 200, Scorers = [| ToyScorer(ToyKind.EightGaussians, 5L) |],
                Checkpoints = CheckpointOptions(5, Keep = 2, BestBy = "energy"),
                Evaluation = EvaluationOptions(4, 100, [| ToyScorer(ToyKind.EightGaussians, 5L) |]))

let private parameters (m: torch.nn.Module) =
    m.state_dict() |> Seq.map (fun kv -> kv.Key, kv.Value.cpu().to_type(torch.float64).data<float>().ToArray()) |> List.ofSeq

/// log.csv without its wall-clock column (the last), which no two runs share.
let private logWithoutSeconds dir =
    File.ReadAllLines(Path.Combine(dir, RunFiles.Log)) |> Array.map (fun l -> l.Substring(0, l.LastIndexOf ','))

let private evaluationsWithoutSeconds dir =
    File.ReadAllLines(Path.Combine(dir, RunFiles.Evaluations))
    |> Array.map (fun l -> let f = l.Split ',' in String.Join(",", f.[0], f.[2], f.[3]))

/// Trains until `stopAfter` generator iterations are done, as if interrupted there (the trainer checkpoints on the
/// way out), and expects the cancellation.
let private trainInterrupted (config: TrainConfig) stopAfter =
    use cts = new CancellationTokenSource()
    let stop = Action<IterationStats>(fun s -> if s.Iteration + 1 = stopAfter then cts.Cancel())
    Expect.throwsT<OperationCanceledException> (fun () -> Trainer.Run(config, stop, cts.Token).Dispose()) "the run stops when cancelled"

let tests =
    testList "Checkpoints" [
        test "a run stopped at N and resumed to 2N equals one run of 2N, parameter for parameter" {
            inTempDir (fun root ->
                let straightDir, resumedDir = Path.Combine(root, "straight"), Path.Combine(root, "resumed")
                use straightData = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                use straight = Trainer.Run(toyConfig straightDir straightData 20 32)
                // Stopped after 7 iterations: the trainer saves iteration 7 on the way out (besides 5).
                (use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                 trainInterrupted (toyConfig resumedDir data 20 32) 7)
                Expect.isFalse (File.Exists(Path.Combine(resumedDir, RunFiles.Status))) "an interrupted run records no status"
                Expect.sequenceEqual (CheckpointStore(resumedDir).All() |> Seq.map (fun struct (it, _) -> it)) [ 7; 5 ] "checkpoints at 5 and at the interruption"
                use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                use resumed = Trainer.Run(toyConfig resumedDir data 20 32)
                Expect.equal resumed.ResumedFrom (Nullable 7) "resumed from the interruption"
                Expect.equal resumed.Iterations 20 "ran to the end"
                Expect.equal (parameters resumed.Generator) (parameters straight.Generator) "generator parameters, bit for bit"
                Expect.equal (parameters resumed.Critic) (parameters straight.Critic) "critic parameters, bit for bit"
                Expect.equal (logWithoutSeconds resumedDir) (logWithoutSeconds straightDir) "log.csv continues where it stopped"
                Expect.equal (evaluationsWithoutSeconds resumedDir) (evaluationsWithoutSeconds straightDir) "evaluations.csv too"
                Expect.equal (File.ReadAllText(Path.Combine(resumedDir, RunFiles.Scores))) (File.ReadAllText(Path.Combine(straightDir, RunFiles.Scores))) "final scores"
                Expect.sequenceEqual (CheckpointStore(resumedDir).All() |> Seq.map (fun struct (it, _) -> it)) [ 20; 15 ] "the last two kept"
                // best.ckpt: the evaluation with the lowest energy distance.
                let energies =
                    File.ReadAllLines(Path.Combine(resumedDir, RunFiles.Evaluations)) |> Array.skip 1 |> Array.map (fun l -> l.Split ',')
                    |> Array.filter (fun f -> f.[2] = "energy") |> Array.map (fun f -> int f.[0], float f.[3])
                let bestIteration, bestEnergy = energies |> Array.minBy snd
                let best = Checkpoint.ReadHeader(CheckpointStore(resumedDir).BestPath)
                Expect.equal (best.Iteration, best.Best) (bestIteration, Nullable bestEnergy) "best.ckpt is the lowest energy's")
        }

        test "resuming image data through the prefetcher is exact too (sampler position, Adam moments, batch norm)" {
            inTempDir (fun root ->
                torch.manual_seed 1L |> ignore
                use images = new LabelledImages("tiny", torch.randint(0L, 256L, [| 64L; 1L; 8L; 8L |], dtype = torch.uint8), torch.zeros([| 64L |], dtype = torch.int64))
                let config dir (data: IBatchSource) =
                    TrainConfig(Func<Module>(fun () -> Figure2.Generator(Figure2Variant.Dcgan, 8, 1)),
                                Func<Module>(fun () -> Figure2.Critic(Figure2Variant.Dcgan, Normaliser.Layer, 8, 1)), 128,
                                data, Methods.WganGp, 6, 16, 1L, RunDirectory = dir, Checkpoints = CheckpointOptions(2),
                                SampleGridEvery = 3, TensorBoard = true)
                let source () = new Prefetcher(new ShuffledBatches(images, 4L, PixelScaling.MinusOneOne))
                use straightData = source ()
                use straight = Trainer.Run(config (Path.Combine(root, "a")) straightData)
                (use data = source ()
                 trainInterrupted (config (Path.Combine(root, "b")) data) 3)
                use data = source ()
                use resumed = Trainer.Run(config (Path.Combine(root, "b")) data)
                Expect.equal resumed.ResumedFrom (Nullable 3) "resumed"
                Expect.equal (parameters resumed.Generator) (parameters straight.Generator) "generator (with batch-norm buffers)"
                Expect.equal (parameters resumed.Critic) (parameters straight.Critic) "critic"
                // Sample grids from the fixed noise batch every 3 iterations, identical whether resumed or not.
                let grids dir = Directory.GetFiles(Path.Combine(root, dir, RunOutputs.SampleFolder)) |> Array.map Path.GetFileName |> Array.sort
                Expect.equal (grids "b") [| "iter-00000003.png"; "iter-00000006.png" |] "grids at 3 and 6"
                Expect.equal (File.ReadAllBytes(Path.Combine(root, "b", "samples", "iter-00000006.png"))) (File.ReadAllBytes(Path.Combine(root, "a", "samples", "iter-00000006.png"))) "the same grid"
                let events = Directory.GetFiles(Path.Combine(root, "b", RunOutputs.TensorBoardFolder), "events.out.tfevents.*")
                Expect.isNonEmpty events "TensorBoard event files"
                Expect.isGreaterThan (events |> Array.sumBy (fun f -> FileInfo(f).Length)) 100L "with scalars in them")
        }

        test "resume is exact with RMSProp's state (weight clipping, LSGAN) and with linear decay across the resume" {
            // Each method stopped after 7 of 16 iterations and resumed must end where an uninterrupted run ends: the
            // RMSProp mean squares (TF1's start at 1) and the decayed learning rate both have to survive the checkpoint.
            let decaying = Methods.WganGp.WithOptimizer(AdamSpec(1e-3, 0.0, 0.9, LinearDecay = true)).WithName("wgan-gp-decay")
            let rmspropDecay = Methods.Lsgan.WithOptimizer(RmsPropSpec(1e-3, LinearDecay = true)).WithName("lsgan-decay")
            for method in [ Methods.WganClipping.WithOptimizer(RmsPropSpec 1e-3); decaying; rmspropDecay ] do
                inTempDir (fun root ->
                    let config dir (data: IBatchSource) =
                        TrainConfig(Func<Module>(fun () -> new Mlp(2, 16, 2, 3)), Func<Module>(fun () -> new Mlp(2, 16, 1, 3)), 2,
                                    data, method, 16, 32, 3L, RunDirectory = dir, Checkpoints = CheckpointOptions(5))
                    use straightData = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                    use straight = Trainer.Run(config (Path.Combine(root, "a")) straightData)
                    (use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                     trainInterrupted (config (Path.Combine(root, "b")) data) 7)
                    use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                    let rates = Collections.Generic.List<float>()
                    use resumed = Trainer.Run(config (Path.Combine(root, "b")) data, Action<IterationStats>(fun s -> rates.Add s.CriticLearningRate))
                    Expect.equal resumed.ResumedFrom (Nullable 7) $"{method.Name}: resumed"
                    Expect.equal (parameters resumed.Critic) (parameters straight.Critic) $"{method.Name}: critic, bit for bit"
                    Expect.equal (parameters resumed.Generator) (parameters straight.Generator) $"{method.Name}: generator, bit for bit"
                    Expect.equal rates.[0] (method.Optimizer.LearningRateAt(7L, 16L)) $"{method.Name}: the first resumed iteration steps at the schedule's rate for iteration 7")
        }

        test "a checkpoint of another architecture is refused with the difference named" {
            inTempDir (fun dir ->
                (use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                 trainInterrupted (toyConfig dir data 20 32) 5)
                use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                throwsWith<InvalidDataException> "belongs to another generator: 'layers.0.weight' is [32, 2] there but [16, 2] here"
                    (fun () -> Trainer.Run(toyConfig dir data 20 16).Dispose()))
        }

        test "a checkpoint of a run with another budget is refused" {
            inTempDir (fun dir ->
                (use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                 trainInterrupted (toyConfig dir data 20 32) 5)
                use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                throwsWith<InvalidDataException> "was written by a run of 20 generator iterations, but this run has 30"
                    (fun () -> Trainer.Run(toyConfig dir data 30 32).Dispose()))
        }

        test "an unreadable newest checkpoint is reported and the previous one used" {
            inTempDir (fun dir ->
                (use data = ToyDataset.Create(ToyKind.EightGaussians, 9L)
                 trainInterrupted (toyConfig dir data 20 32) 7)
                let store = CheckpointStore dir
                let newest = store.PathFor 7
                File.WriteAllBytes(newest, File.ReadAllBytes(newest).[.. 40])
                let warnings = Collections.Generic.List<string>()
                let latest = store.Latest(Action<string>(warnings.Add))
                Expect.isTrue latest.HasValue "a checkpoint is found"
                match latest.Value with
                | struct (path, header) -> Expect.equal (path, header.Iteration) (store.PathFor 5, 5) "falls back to iteration 5"
                Expect.stringContains warnings.[0] "it-00000007.ckpt" "the bad file is named"
                throwsWith<InvalidDataException> "it-00000007.ckpt: unreadable checkpoint" (fun () -> Checkpoint.ReadHeader newest |> ignore))
        }

        test "a full disk while writing leaves the previous file intact and says so" {
            inTempDir (fun dir ->
                let target = Path.Combine(dir, "status.json")
                AtomicFile.WriteText(target, "previous")
                // The temporary file goes to /dev/full: every write fails with ENOSPC, as on a full disk.
                File.CreateSymbolicLink(AtomicFile.TemporaryFor target, "/dev/full") |> ignore
                throwsWith<IOException> $"could not write {target}" (fun () -> AtomicFile.WriteText(target, String('x', 100_000)))
                Expect.equal (File.ReadAllText target) "previous" "the previous version is unchanged"
                Expect.isFalse (File.Exists(AtomicFile.TemporaryFor target)) "no temporary file left behind")
        }
    ]
