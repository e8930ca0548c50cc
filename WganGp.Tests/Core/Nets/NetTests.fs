module WganGp.Tests.NetTests

open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Tests.Support

let tests =
    testList "DCGAN nets" [
        test "SAME conv: 5x5 stride 2 halves the size and pads 1 before, 2 after (TensorFlow), not PyTorch's symmetric 2" {
            torch.manual_seed 1L |> ignore
            use conv = new SameConv2d(2L, 3L, 5, 2)
            use x = torch.randn(2L, 2L, 8L, 10L, dtype = torch.float64)
            conv.``to``(torch.float64) |> ignore
            use y = conv.call x
            Expect.sequenceEqual y.shape [| 2L; 3L; 4L; 5L |] "⌈in / 2⌉"
            use padded = torch.nn.functional.pad(x, [| 1L; 2L; 1L; 2L |])
            use reference = torch.nn.functional.conv2d(padded, conv.Conv.weight, conv.Conv.bias, strides = [| 2L; 2L |])
            Expect.isTrue (y.allclose(reference, 0.0, 1e-12)) "equals explicit (1, 2) padding"
            use symmetric = torch.nn.functional.conv2d(x, conv.Conv.weight, conv.Conv.bias, strides = [| 2L; 2L |], padding = [| 2L; 2L |])
            Expect.isFalse (y.allclose(symmetric, 0.0, 1e-6)) "differs from padding=2"
        }

        test "SAME transposed conv doubles the size and is exactly the adjoint of the SAME conv: <conv x, y> = <x, deconv y>" {
            torch.manual_seed 2L |> ignore
            use conv = new SameConv2d(3L, 4L, 5, 2, bias = false)
            use deconv = new SameConvTranspose2d(4L, 3L, 5, bias = false)
            conv.``to``(torch.float64) |> ignore
            deconv.``to``(torch.float64) |> ignore
            use _ = torch.no_grad()
            deconv.Deconv.weight.copy_(conv.Conv.weight) |> ignore   // ConvTranspose2d(4→3) weights are [4, 3, 5, 5] as Conv2d(3→4)'s
            use x = torch.randn(2L, 3L, 8L, 8L, dtype = torch.float64)
            use y = torch.randn(2L, 4L, 4L, 4L, dtype = torch.float64)
            use dy = deconv.call y
            Expect.sequenceEqual dy.shape [| 2L; 3L; 8L; 8L |] "2H × 2W"
            let lhs = (conv.call x * y).sum().item<float>()
            let rhs = (x * dy).sum().item<float>()
            close 1e-10 lhs rhs "adjoint identity"
        }

        test "gan_64x64.py's DCGAN pair: shapes and parameter counts as tflib defines them" {
            use g = new DcganGenerator()
            use d = new DcganCritic()
            use z = torch.randn(3L, 128L)
            use x = g.call z
            Expect.sequenceEqual x.shape [| 3L; 3L; 64L; 64L |] "3 × 64 × 64 images"
            Expect.isTrue (x.abs().max().item<float32>() < 1.0f) "tanh output"
            use out = d.call x
            Expect.sequenceEqual out.shape [| 3L; 1L |] "one value per image"
            // G: Linear 128→8192 (+8192 bias) = 1,056,768; BN(512) 1,024; deconvs 5×5 with bias: 512→256 3,277,056,
            // BN 512, 256→128 819,328, BN 256, 128→64 204,864, BN 128, 64→3 4,803.
            Expect.equal (parameterCount g) 5_364_739L "generator parameters"
            // D: convs 5×5 with bias: 3→64 4,864, 64→128 204,928, LN(128) 256, 128→256 819,456, LN 512, 256→512 3,277,312,
            // LN 1,024; Linear 8192→1 8,193. Layer norm has one scale and one offset per channel, as batch norm.
            Expect.equal (parameterCount d) 4_316_545L "critic parameters"
        }

        test "the critic's normaliser follows the method: layer norm under the penalty, batch norm otherwise, nothing else differs" {
            Expect.equal ((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.Figure2(Figure2Variant.Dcgan, 64, 3, 1.0)) Methods.WganGp.Constraint).Critic) Normaliser.Layer "WGAN-GP"
            for m in [ Methods.WganClipping; Methods.Dcgan; Methods.Lsgan ] do
                Expect.equal ((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.Figure2(Figure2Variant.Dcgan, 64, 3, 1.0)) m.Constraint).Critic) Normaliser.Batch m.Name
            use gp = new DcganCritic(16, 16, 1, (WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.Figure2(Figure2Variant.Dcgan, 64, 3, 1.0)) Methods.WganGp.Constraint).Critic)
            use dc = new DcganCritic(16, 16, 1, (WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.Figure2(Figure2Variant.Dcgan, 64, 3, 1.0)) Methods.Dcgan.Constraint).Critic)
            Expect.isTrue (hasModule<TorchSharp.Modules.GroupNorm> gp && not (hasModule<TorchSharp.Modules.BatchNorm2d> gp)) "no batch norm in the GP critic"
            Expect.isTrue (hasModule<TorchSharp.Modules.BatchNorm2d> dc) "batch norm in the DCGAN critic"
            Expect.equal (parameterCount gp) (parameterCount dc) "same parameter count"
            for struct (name, p) in gp.named_parameters() |> Seq.append (dc.named_parameters()) do
                if name.Contains "norms" then
                    let expected = if name.EndsWith "weight" then 1.0f else 0.0f
                    Expect.isTrue (p.eq(torch.tensor expected).all().item<bool>()) $"{name} starts at {expected} (tflib)"
            Methods.WganGp.Constraint.Validate gp
            throwsWith<System.ArgumentException> "BatchNorm" (fun () -> Methods.WganGp.Constraint.Validate dc)
            use x = torch.randn(4L, 1L, 16L, 16L)
            gp.call(x).Dispose()
            use g = new DcganGenerator(16, 8, 16, 1)
            Expect.sequenceEqual (g.call(torch.randn(2L, 16L))).shape [| 2L; 1L; 16L; 16L |] "16 × 16 gray"
        }

        test "one training step of the DCGAN pair under each of the four methods: finite losses" {
            use images = new LabelledImages("random", torch.randint(0L, 256L, [| 16L; 1L; 16L; 16L |]).``to``(torch.ScalarType.Byte), torch.zeros(16L, dtype = torch.int64))
            for m in [ Methods.WganGp; Methods.WganClipping; Methods.Dcgan; Methods.Lsgan ] do
                use data = new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne)
                let norm = (WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.Figure2(Figure2Variant.Dcgan, 64, 3, 1.0)) m.Constraint).Critic
                let config =
                    TrainConfig(System.Func<_>(fun () -> new DcganGenerator(16, 8, 16, 1) :> Module),
                                System.Func<_>(fun () -> new DcganCritic(8, 16, 1, norm) :> Module), 16, data, m, 2, 4, 0L)
                use result = Trainer.Run config
                Expect.equal result.Status RunStatus.Finished m.Name
        }
    ]
