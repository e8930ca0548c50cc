/// The numerics canary and the route around libtorch's faulty convolution kernels (WganGp.Core.Numerics).
module WganGp.Tests.NumericsTests

open System.IO
open System.Text.Json
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Numerics
open WganGp.Core.Training
open WganGp.Tests.Support

/// The conv shapes of the networks the test suite trains at small widths (Figure 2 at 16×16×1, dim 8; the CIFAR
/// ResNets at dim 16; ResNet-101 at 32×32×1, dim 8), as the networks call them.
let private testWidthShapes () =
    [ for v in Figure2Tests.variants do
          yield! WganGp.Experiments.Doctor.shapesOfNetworks (fun () -> Figure2.Generator(v, 16, 1, 8, 16))
                     (fun () -> Figure2.Critic(v, Normalization.Layer, 16, 1, 8)) 16
      yield! WganGp.Experiments.Doctor.shapesOfNetworks (fun () -> new CifarResNetGenerator(true, 128, 16))
                 (fun () -> new CifarResNetCritic(true, 16)) 128
      yield! WganGp.Experiments.Doctor.shapesOfNetworks (fun () -> Figure2.Generator(Figure2Variant.ResNet101, 32, 1, 8))
                 (fun () -> Figure2.Critic(Figure2Variant.ResNet101, Normalization.Layer, 32, 1, 8)) 128 ]
    |> List.distinct

/// Runs `f` with the route forced to `mode`, then puts the process's own decision back.
let private withRoute (mode: ConvRouteMode) (f: unit -> 'a) =
    let before = ConvRoute.Decision.Mode
    ConvRoute.Use mode |> ignore
    try f () finally ConvRoute.Use before |> ignore

/// One seeded WGAN-GP run of a pair after memory has been poisoned; its status and final samples.
let private seededRun (config: unit -> TrainConfig) =
    NumericsCanary.PoisonFreedMemory()
    use result = Trainer.Run(config ())
    result.Status, (match result.Samples with null -> [||] | s -> s.data<float32>().ToArray())

let tests =
    testList "numerics" [
        test "the canary finds every conv shape of the test-width networks and the known-faulty ones right as the networks compute them" {
            let shapes = List.ofSeq NumericsCanary.Sentinels @ testWidthShapes ()
            Expect.isGreaterThan shapes.Length 20 "the networks' shapes were recorded"
            let checks = withRoute ConvRouteMode.On (fun () -> NumericsCanary.CheckAll(shapes, true, 1))
            let wrong = checks |> Seq.filter (fun c -> not c.Ok) |> Seq.map string |> List.ofSeq
            Expect.isEmpty wrong "every shape right (float32 against float64, poisoned memory)"
        }

        test "routed, a conv is the same function of the same parameters (float64, where libtorch's kernels are right)" {
            let odd =
                [ ConvShape(false, 64L, 128L, 1L, 2L, 0L, 9L, 9L); ConvShape(true, 40L, 40L, 5L, 2L, 0L, 4L, 4L)
                  ConvShape(false, 48L, 3L, 5L, 2L, 2L, 9L, 9L) ]
            for shape in List.ofSeq NumericsCanary.Sentinels @ odd do
                use scope = torch.NewDisposeScope()
                torch.manual_seed 7L |> ignore
                let layer : torch.nn.Module<torch.Tensor, torch.Tensor> =
                    if shape.Transposed then torch.nn.ConvTranspose2d(shape.In, shape.Out, shape.Kernel, stride = shape.Stride, padding = shape.Padding)
                    else torch.nn.Conv2d(shape.In, shape.Out, shape.Kernel, stride = shape.Stride, padding = shape.Padding)
                layer.``to``(torch.float64) |> ignore
                let x = torch.randn([| 3L; shape.In; shape.Height; shape.Width |], dtype = torch.float64)
                let plain = layer.call x
                let routed = withRoute ConvRouteMode.On (fun () -> ConvRoute.Routed(layer, x))
                Expect.sequenceEqual routed.shape plain.shape $"{shape}: shape"
                Expect.isTrue (routed.allclose(plain, 1e-12, 1e-12)) $"{shape}: values"
        }

        test "routed, the language model's kernel-1 Conv1d is the same function (float64)" {
            use scope = torch.NewDisposeScope()
            torch.manual_seed 8L |> ignore
            let conv = torch.nn.Conv1d(37L, 64L, 1L)
            conv.``to``(torch.float64) |> ignore
            let x = torch.randn([| 3L; 37L; 32L |], dtype = torch.float64)
            let routed = withRoute ConvRouteMode.On (fun () -> ConvRoute.Routed(conv, x))
            Expect.isTrue (routed.allclose(conv.call x, 1e-12, 1e-12)) "values"
        }

        test "a seeded WGAN-GP run of the dim-8 NoNormConstantFilters pair, twelve times in one process after poisoning memory, gives twelve identical finished results" {
            let config () =
                torch.manual_seed 4L |> ignore
                let images = new LabelledImages("random", torch.randint(0L, 256L, [| 16L; 1L; 16L; 16L |]).``to``(torch.ScalarType.Byte), torch.zeros(16L, dtype = torch.int64))
                TrainConfig(System.Func<_>(fun () -> Figure2.Generator(Figure2Variant.NoNormConstantFilters, 16, 1, 8, 16)),
                            System.Func<_>(fun () -> Figure2.Critic(Figure2Variant.NoNormConstantFilters, Normalization.Layer, 16, 1, 8)),
                            16, new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne), Methods.WganGp, 2, 16, 0L, SampleCount = 4)
            let runs = List.init 12 (fun _ -> seededRun config)
            for status, _ in runs do Expect.equal status RunStatus.Finished "finished"
            for _, samples in runs do Expect.sequenceEqual samples (snd runs.Head) "bit-identical samples"
        }

        test "a seeded AC-WGAN-GP run of the conditional CIFAR ResNet pair (dim 16), four times in one process after poisoning memory, gives identical finished results" {
            let config () =
                torch.manual_seed 4L |> ignore
                let images = new LabelledImages("cifar-like", torch.randint(0L, 256L, [| 16L; 3L; 32L; 32L |]).``to``(torch.ScalarType.Byte), torch.arange(16L) % 10L)
                let m = AuxiliaryClassifierMethod(Methods.WganGp.WithGeneratorBatchMultiple 2, 1.0, 0.1)
                TrainConfig(System.Func<_>(fun () -> new CifarResNetGenerator(true, 128, 16) :> Module),
                            System.Func<_>(fun () -> new CifarResNetCritic(true, 16) :> Module), 128,
                            new ShuffledBatches(images, 0L, PixelScaling.MinusOneOneDequantized), m, 2, 4, 0L, SampleCount = 4)
            let runs = List.init 4 (fun _ -> seededRun config)
            for status, _ in runs do Expect.equal status RunStatus.Finished "finished"
            for _, samples in runs do Expect.sequenceEqual samples (snd runs.Head) "bit-identical samples"
        }

        test "the route's decision does not move torch's global random stream" {
            torch.manual_seed 11L |> ignore
            let expected = torch.randn(4L).data<float32>().ToArray()
            torch.manual_seed 11L |> ignore
            ConvRoute.Use ConvRouteMode.Auto |> ignore   // runs the probe
            Expect.sequenceEqual (torch.randn(4L).data<float32>().ToArray()) expected "same draws after the probe"
        }

        test "settings.json records the CPU's instruction sets and the route taken" {
            inTempDir (fun dir ->
                use toy = ToyDataset.Create(ToyKind.EightGaussians, 0L)
                let config =
                    TrainConfig(System.Func<_>(fun () -> new Mlp(2, 8, 2, 2) :> Module), System.Func<_>(fun () -> new Mlp(2, 8, 1, 2) :> Module),
                                2, toy, Methods.WganGp, 1, 8, 0L, RunDirectory = dir)
                use _ = Trainer.Run config
                use doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, RunFiles.Settings)))
                let numerics = doc.RootElement.GetProperty "numerics"
                Expect.equal (numerics.GetProperty("isa").GetString()) CpuFeatures.Current.Isa "isa"
                let route = numerics.GetProperty "conv_route"
                Expect.equal (route.GetProperty("active").GetBoolean()) ConvRoute.Active "route as decided"
                Expect.isFalse (System.String.IsNullOrEmpty(route.GetProperty("reason").GetString())) "why")
        }

        test "an unknown WGANGP_CONV_ROUTE value is an error naming it" {
            throwsWith<System.ArgumentException> "WGANGP_CONV_ROUTE=sometimes: expected auto, on or off" (fun () ->
                System.Environment.SetEnvironmentVariable(ConvRoute.ModeVariable, "sometimes")
                try ConvRoute.ModeFromEnvironment() |> ignore
                finally System.Environment.SetEnvironmentVariable(ConvRoute.ModeVariable, null))
        }
    ]
