module WganGp.Tests.BehaviourTests

open System
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Metrics
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Tests.Support

let tests =
    testList "behaviour" [
        test "WGAN-GP on 8gaussians covers ≥ 7 of 8 modes in 1000 iterations; the untrained generator covers far fewer" {
            // gan_toy.py's settings with 128-unit MLPs: λ 0.1, Adam(1e-4, 0.5, 0.9), 5 critic steps, batch 256.
            let method = Methods.WganGp.WithConstraint(GradientPenalty 0.1).WithOptimizer(AdamSpec(1e-4, 0.5, 0.9))
            let scorer = ToyScorer(ToyKind.EightGaussians, 11L)
            use data = ToyDataset.Create(ToyKind.EightGaussians, 1L)
            let config =
                TrainConfig(Func<Module>(fun () -> new Mlp(2, 128, 2, 4)), Func<Module>(fun () -> new Mlp(2, 128, 1, 4)), 2,
                            data, method, 1000, 256, 0L, SampleCount = 2000, Scorers = [| scorer |])
            torch.manual_seed 0L |> ignore
            use untrained = new Mlp(2, 128, 2, 4)
            use before = Trainer.Sample(untrained, 2000, 256, 2, torch.CPU)
            let modesBefore = scorer.Score(before).["modes"]
            use result = Trainer.Run config
            let modesAfter = result.Scores.["modes"]
            Expect.isGreaterThanOrEqual modesAfter 7.0 $"modes after training (before: {modesBefore})"
            Expect.isLessThanOrEqual modesBefore 2.0 "modes before training"
        }

        test "native memory stays flat: no live tensors accumulate over training steps" {
            let stats = DisposeScopeManager.Statistics
            let live = Collections.Generic.List<int64>()
            use data = ToyDataset.Create(ToyKind.TwentyFiveGaussians, 1L)
            let config =
                TrainConfig(Func<Module>(fun () -> new Mlp(2, 64, 2, 4)), Func<Module>(fun () -> new Mlp(2, 64, 1, 4)), 2,
                            data, Methods.WganGp, 300, 64, 0L)
            let rssBefore = ref 0L
            use _ =
                Trainer.Run(config, Action<IterationStats>(fun s ->
                    if s.Iteration = 50 then
                        GC.Collect()
                        rssBefore.Value <- Diagnostics.Process.GetCurrentProcess().WorkingSet64
                    if s.Iteration >= 50 && s.Iteration % 50 = 0 then live.Add stats.ThreadTotalLiveCount))
            Expect.equal (Seq.max live - Seq.min live) 0L $"live tensors at iterations 50, 100, ..., 250: {Seq.toList live}"
            let growthMb = float (Diagnostics.Process.GetCurrentProcess().WorkingSet64 - rssBefore.Value) / 1e6
            Expect.isLessThan growthMb 50.0 "resident memory grew by less than 50 MB over 250 iterations"
        }
    ]
