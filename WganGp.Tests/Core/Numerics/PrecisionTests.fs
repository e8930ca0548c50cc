/// bf16 convolutions (`--precision bf16`, issue 23 item 5): opt-in, computed where asked and nowhere else, recorded,
/// and never mixed with float32 in one run.
module WganGp.Tests.PrecisionTests

open System
open System.IO
open System.Text.Json
open System.Threading
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Numerics
open WganGp.Core.Training
open WganGp.Tests.Support

type private Module = torch.nn.Module<torch.Tensor, torch.Tensor>

/// The tiny Figure 2 DCGAN pair at 16×16×1 (dim 8) on random bytes: a run of it takes a fraction of a second.
let private tinyConfig (dir: string) (precision: Precision) (iterations: int) =
    let images = new LabelledImages("random", torch.randint(0L, 256L, [| 32L; 1L; 16L; 16L |]).``to``(torch.ScalarType.Byte), torch.zeros(32L, dtype = torch.int64))
    TrainConfig(Func<Module>(fun () -> Figure2.Generator(Figure2Variant.Dcgan, 16, 1, 8, 16)),
                Func<Module>(fun () -> Figure2.Critic(Figure2Variant.Dcgan, Normaliser.Layer, 16, 1, 8)), 16,
                new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne), Methods.WganGp, iterations, 8, 0L,
                RunDirectory = dir, Checkpoints = CheckpointOptions(2), Precision = precision)

let private native = ConvPrecision.Native torch.CPU

let tests =
    testList "precision" [
        test "precision names: float32 and bf16 round-trip; another name is an error naming it and the choices" {
            for p in Enum.GetValues<Precision>() do Expect.equal (PrecisionNames.Parse(PrecisionNames.Name p)) p "round trip"
            Expect.equal (PrecisionNames.Parse " BF16 ") Precision.Bf16Convolutions "case and spaces"
            throwsWith<ArgumentException> "precision 'half': expected one of float32, bf16" (fun () -> PrecisionNames.Parse "half" |> ignore)
        }

        test "under bf16 a network's convolutions compute in bf16 (close to float32, not equal) and their gradients reach the float32 weights; float32 is untouched" {
            torch.manual_seed 3L |> ignore
            use conv = torch.nn.Conv2d(8L, 16L, 5L, stride = 2L, padding = 2L)
            use deconv = torch.nn.ConvTranspose2d(16L, 8L, 4L, stride = 2L, padding = 1L)
            use x = torch.randn([| 4L; 8L; 16L; 16L |])
            let forward () =
                let y = deconv.Routed(conv.Routed(x))
                conv.zero_grad()
                y.square().sum().backward()
                y.detach(), (conv.weight.grad |> nonNull).clone()
            let single, singleGrad = forward ()
            let half, halfGrad =
                use _ = ConvPrecision.Use Precision.Bf16Convolutions
                forward ()
            let again, _ = forward ()
            let relative (a: torch.Tensor) (b: torch.Tensor) = ((a - b).norm() / b.norm()).item<float32>() |> float
            Expect.equal half.dtype torch.float32 "outputs come back as float32"
            Expect.equal halfGrad.dtype torch.float32 "the weights' gradients are float32"
            Expect.isGreaterThan (relative half single) 1e-5 "bf16 is not float32 (the path was taken)"
            Expect.isLessThan (relative half single) ConvPrecision.Bf16Tolerance "and close to it"
            Expect.isLessThan (relative halfGrad singleGrad) ConvPrecision.Bf16Tolerance "gradients close too"
            Expect.isTrue (again.allclose(single, 0.0, 0.0)) "after the scope, float32 again, bit for bit"
        }

        test "a bf16 run records its precision and the bf16 check of every shape in settings.json; resuming it in float32 is refused, naming the folder (on a CPU without bf16, the run is refused)" {
            inTempDir (fun dir ->
                if not native then
                    throwsWith<ArgumentException> "neither avx512_bf16 nor AMX" (fun () -> Trainer.Run(tinyConfig dir Precision.Bf16Convolutions 4).Dispose())
                else
                    use cts = new CancellationTokenSource()
                    let stop = Action<IterationStats>(fun s -> if s.Iteration = 1 then cts.Cancel())
                    Expect.throwsT<OperationCanceledException> (fun () -> Trainer.Run(tinyConfig dir Precision.Bf16Convolutions 4, stop, cts.Token).Dispose()) "stopped"
                    use doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, RunFiles.Settings)))
                    let numerics = doc.RootElement.GetProperty "numerics"
                    Expect.equal (numerics.GetProperty("precision").GetString()) "bf16" "precision recorded"
                    let checks = [ for c in numerics.GetProperty("bf16_checks").EnumerateArray() -> c.GetProperty("shape").GetString() |> nonNull ]
                    let generator, critic = (tinyConfig dir Precision.Float32 1).Generator, (tinyConfig dir Precision.Float32 1).Critic
                    Expect.equal (Set.ofList checks) (NetworkShapes.Of(generator, critic, 16) |> Seq.map string |> Set.ofSeq) "every shape checked in bf16"
                    throwsWith<InvalidOperationException> $"{dir} was trained with bf16 convolutions (settings.json) and would resume in float32"
                        (fun () -> Trainer.Run(tinyConfig dir Precision.Float32 4).Dispose())
                    use resumed = Trainer.Run(tinyConfig dir Precision.Bf16Convolutions 4)
                    Expect.equal resumed.ResumedFrom (Nullable 2) "the same precision resumes"
                    Expect.equal resumed.Status RunStatus.Finished "and finishes")
        }
    ]
