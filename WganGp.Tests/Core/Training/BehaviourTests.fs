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
        test "8gaussians in 1000 iterations, seed 0: WGAN-GP covers ≥ 7 modes with energy ≤ 30× the real-vs-real floor, and beats clipping on energy and hq" {
            // gan_toy.py's settings with 128-unit MLPs, batch 256, seed 0, the same data stream for both methods:
            // WGAN-GP λ 0.1, Adam(1e-4, 0.5, 0.9); clipping c = 0.01, RMSProp(5e-5); 5 critic steps each.
            let gp = Methods.WganGp.WithConstraint(GradientPenalty 0.1).WithOptimizer(AdamSpec(1e-4, 0.5, 0.9))
            let scorer = ToyScorer(ToyKind.EightGaussians, 11L)
            let train (method: Method) =
                use data = ToyDataset.Create(ToyKind.EightGaussians, 1L)
                let config =
                    TrainConfig(Func<Module>(fun () -> new Mlp(2, 128, 2, 4)), Func<Module>(fun () -> new Mlp(2, 128, 1, 4)), 2,
                                data, method, 1000, 256, 0L, SampleCount = 2000, Scorers = [| scorer |])
                use result = Trainer.Run config
                Expect.equal result.Status RunStatus.Finished $"{method.Name} finished"
                result.Scores
            torch.manual_seed 0L |> ignore
            use untrained = new Mlp(2, 128, 2, 4)
            use before = Sampler.Sample(untrained, 2000, 256, 2, torch.CPU)
            let modesBefore = scorer.Score(before).["modes"]
            let penalty, clipping = train gp, train Methods.WganClipping
            let say (name: string) (s: Collections.Generic.IReadOnlyDictionary<string, float>) =
                let modes, hq, energy, floor = s.["modes"], s.["hq"], s.["energy"], s.["energy_real"]
                $"{name}: modes {modes}, hq {hq:F3}, energy {energy:F4} (real-vs-real {floor:F4})"
            let gpText, clipText = say "wgan-gp" penalty, say "wgan-clip" clipping
            printfn $"{gpText}; {clipText}; untrained modes {modesBefore}"
            Expect.isLessThanOrEqual modesBefore 2.0 "the untrained generator covers at most 2 modes"
            Expect.isGreaterThanOrEqual penalty.["modes"] 7.0 gpText
            Expect.isLessThanOrEqual penalty.["energy"] (30.0 * penalty.["energy_real"]) gpText
            Expect.isLessThan penalty.["energy"] clipping.["energy"] $"energy: {gpText} against {clipText}"
            Expect.isGreaterThan penalty.["hq"] clipping.["hq"] $"hq: {gpText} against {clipText}"
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
