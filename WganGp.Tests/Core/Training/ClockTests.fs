/// The training clock (log.csv's seconds, TrainResult.Seconds) leaves out the log's gradient-norm probe: methods
/// without a penalty measure the critic's input-gradient norm with an extra critic pass on logged iterations, and a
/// run that logs every iteration must not read as slower than one that logs every 25th.
module WganGp.Tests.ClockTests

open System
open Expecto
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Training

type private Module = TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>

/// A toy run logged every iteration, wide enough that the probe takes measurable time.
let private run (method: Method) iterations =
    use data = ToyDataset.Create(ToyKind.EightGaussians, 1L)
    let config =
        TrainConfig(Func<Module>(fun () -> new Mlp(2, 256, 2, 4)), Func<Module>(fun () -> new Mlp(2, 256, 1, 4)), 2,
                    data, method, iterations, 512, 0L, LogEvery = 1)
    use result = Trainer.Run config
    result.Seconds, result.LoopSeconds, result.StepSeconds, result.ProbeSeconds

let tests =
    testList "training clock" [
        test "training seconds leave out the gradient-norm probe of logged iterations; a penalty's norm costs no probe" {
            let seconds, loop, steps, probe = run Methods.Dcgan 30
            let shown = $"seconds {seconds:F4}, loop {loop:F4}, steps {steps:F4}, probe {probe:F4}"
            Expect.isGreaterThan probe 0.005 $"DCGAN logged every iteration probes the critic: {shown}"
            // No run directory: nothing else is set aside, so the clock is the loop less the probe.
            Expect.isLessThan (abs (seconds - (loop - probe))) (probe / 2.0) $"the clock leaves the probe out: {shown}"
            Expect.isLessThanOrEqual (steps + probe) (loop + 1e-9) $"the steps' seconds leave it out too: {shown}"
            let _, _, _, gpProbe = run Methods.WganGp 2
            Expect.equal gpProbe 0.0 "WGAN-GP reads the norm from its penalty: no probe"
        }
    ]
