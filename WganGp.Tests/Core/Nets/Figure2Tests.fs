module WganGp.Tests.Figure2Tests

open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Tests.Support

/// The six rows that share the DCGAN-style layout (ResNet-101 is tested on its own).
let variants =
    [ Figure2Variant.Dcgan; Figure2Variant.NoNormConstantFilters; Figure2Variant.MlpGenerator
      Figure2Variant.NoNormalization; Figure2Variant.Gated; Figure2Variant.Tanh ]

let private maxAbs (t: torch.Tensor) = t.abs().max().item<float32>() |> float

/// tflib's uniform(±σ√3): every weight inside the bound and, with thousands of draws, the largest within 2% of it.
let private uniformBound (bound: float) (t: torch.Tensor) what =
    let m = maxAbs t
    Expect.isLessThanOrEqual m (bound * (1.0 + 1e-6)) $"{what}: max |w| {m} ≤ {bound}"
    Expect.isGreaterThan m (0.98 * bound) $"{what}: max |w| {m} close to {bound}"

let private weights (m: torch.nn.Module) =
    m.named_parameters() |> Seq.filter (fun struct (name, p) -> name.EndsWith "weight" && p.dim() >= 2L)
    |> Seq.map (fun struct (name, p) -> name, p) |> List.ofSeq

let tests =
    testList "Figure 2 variants" [
        test "every variant at 64×64×3: G maps z ∈ R¹²⁸ to [B, 3, 64, 64] in [−1, 1], the critic images to [B, 1]" {
            torch.manual_seed 3L |> ignore
            use z = torch.randn(2L, 128L)
            for v in variants do
                use g = Figure2.Generator v
                use d = Figure2.Critic(v, Normaliser.Layer)
                use x = g.call z
                Expect.sequenceEqual x.shape [| 2L; 3L; 64L; 64L |] $"{v}: image shape"
                Expect.isLessThanOrEqual (maxAbs x) 1.0 $"{v}: tanh range"
                Expect.isGreaterThan (x.std().item<float32>()) 0.0f $"{v}: not constant"
                use out = d.call x
                Expect.sequenceEqual out.shape [| 2L; 1L |] $"{v}: one value per image"
        }

        test "exact parameter counts at the paper's size (tflib layers have biases; BN and LN one scale and one offset per channel)" {
            // Deconv/conv 5×5 a→b with bias: 25·a·b + b. Rows 1 and 6 (tanh changes no parameter):
            //   G: Linear 128→8192 1,056,768; BN(512) 1,024; 512→256 3,277,056; BN 512; 256→128 819,328; BN 256;
            //      128→64 204,864; BN 128; 64→3 4,803 → 5,364,739.
            //   D: 3→64 4,864; 64→128 204,928; N(128) 256; 128→256 819,456; N 512; 256→512 3,277,312; N 1,024;
            //      Linear 8192→1 8,193 → 4,316,545 (the critic of rows 2 and 3 too).
            // Row 2 G: Linear 128→1024 132,096; 3 × deconv 64→64 102,464 = 307,392; 64→3 4,803 → 444,291.
            // Row 3 G: Linear 128→512 66,048; 3 × 512→512 262,656 = 787,968; 512→12288 6,303,744 → 7,157,760.
            // Row 4: row 1 without its normalisers: G 5,364,739 − (1,024 + 512 + 256 + 128) = 5,362,819;
            //        D 4,316,545 − (256 + 512 + 1,024) = 4,314,753.
            // Row 5 G (every hidden layer twice as wide, N on the doubled channels, the gate halves them):
            //   Linear 128→16384 2,113,536; BN(1024) 2,048; 512→512 6,554,112; BN(512) 1,024; 256→256 1,638,656;
            //   BN(256) 512; 128→128 409,728; BN(128) 256; 64→3 4,803 → 10,724,675.
            // Row 5 D: 3→128 9,728; 64→256 409,856; N(256) 512; 128→512 1,638,912; N(512) 1,024; 256→1024 6,554,624;
            //   N(1024) 2,048; Linear 8192→1 8,193 → 8,624,897.
            let expected =
                [ Figure2Variant.Dcgan, 5_364_739L, 4_316_545L
                  Figure2Variant.NoNormConstantFilters, 444_291L, 4_316_545L
                  Figure2Variant.MlpGenerator, 7_157_760L, 4_316_545L
                  Figure2Variant.NoNormalization, 5_362_819L, 4_314_753L
                  Figure2Variant.Gated, 10_724_675L, 8_624_897L
                  Figure2Variant.Tanh, 5_364_739L, 4_316_545L ]
            for v, gCount, dCount in expected do
                use g = Figure2.Generator v
                Expect.equal (parameterCount g) gCount $"{v}: generator parameters"
                for norm in [ Normaliser.Layer; Normaliser.Batch ] do
                    use d = Figure2.Critic(v, norm)
                    Expect.equal (parameterCount d) dCount $"{v}: critic parameters ({norm})"
        }

        test "gated units: each gated layer emits twice the channels it passes on; outputs are not gated" {
            use g = Figure2.Generator Figure2Variant.Gated :?> DcganGenerator
            use d = Figure2.Critic(Figure2Variant.Gated, Normaliser.Layer) :?> DcganCritic
            Expect.equal g.Input.out_features (2L * 512L * 16L) "G: Linear emits 2·512 channels of 4×4"
            // ConvTranspose2d weights are [in, out, k, k]: each takes half of what the previous layer emitted.
            let ups = g.Ups |> Seq.map (fun u -> u.Deconv.weight.shape |> Array.take 2) |> List.ofSeq
            Expect.sequenceEqual ups [ [| 512L; 512L |]; [| 256L; 256L |]; [| 128L; 128L |]; [| 64L; 3L |] ] "G: 2× out, last deconv → 3 ungated"
            let downs = d.Downs |> Seq.map (fun c -> c.Conv.weight.shape |> Array.take 2) |> List.ofSeq
            Expect.sequenceEqual downs [ [| 128L; 3L |]; [| 256L; 64L |]; [| 512L; 128L |]; [| 1024L; 256L |] ] "D: [out, in]: 2× out, half in"
            let normShapes = d.named_parameters() |> Seq.choose (fun struct (n, p) -> if n.StartsWith "norms" && n.EndsWith "weight" then Some p.shape[0] else None) |> List.ofSeq
            Expect.sequenceEqual normShapes [ 256L; 512L; 1024L ] "D: normalisers on the doubled channels, none on the first layer"
            use x = torch.randn(3L, 6L, 2L, 2L, dtype = torch.float64)
            use gated = Nonlinearities.Gate x
            use a = x.slice(1L, 0L, 6L, 2L)
            use b = x.slice(1L, 1L, 6L, 2L)
            use expected = torch.sigmoid(a) * torch.tanh(b)
            Expect.sequenceEqual gated.shape [| 3L; 3L; 2L; 2L |] "halves dimension 1"
            Expect.isTrue (gated.allclose(expected, 0.0, 1e-12)) "sigmoid(even channels) · tanh(odd channels)"
        }

        test "normalisers: batch norm in G where the variant has one; a critic built with layer norm has no batch norm" {
            for v in variants do
                use g = Figure2.Generator v
                let batchG = hasModule<TorchSharp.Modules.BatchNorm2d> g
                let expectBn = v = Figure2Variant.Dcgan || v = Figure2Variant.Gated || v = Figure2Variant.Tanh
                Expect.equal batchG expectBn $"{v}: batch norm in G"
                Expect.isFalse (hasModule<TorchSharp.Modules.GroupNorm> g) $"{v}: no layer norm in G"
                use gp = Figure2.Critic(v, Normaliser.Layer)
                Expect.isFalse (hasModule<TorchSharp.Modules.BatchNorm2d> gp) $"{v}: no batch norm in the layer-norm critic"
                Expect.equal (hasModule<TorchSharp.Modules.GroupNorm> gp) (v <> Figure2Variant.NoNormalization) $"{v}: layer norm where it has a normaliser"
                Methods.WganGp.Constraint.Validate gp
                use bn = Figure2.Critic(v, Normaliser.Batch)
                Expect.equal (hasModule<TorchSharp.Modules.BatchNorm2d> bn) (v <> Figure2Variant.NoNormalization) $"{v}: batch norm critic"
            Expect.isTrue (Figure2.Generator(Figure2Variant.ResNet101, 32, 1, 8) :? ResNet101Generator) "row 7: the ResNet-101 generator"
            Expect.isTrue (Figure2.Critic(Figure2Variant.ResNet101, Normaliser.Layer, 32, 1, 8) :? ResNet101Critic) "row 7: the ResNet-101 critic"
        }

        test "32×32×1 versions build and run" {
            use z = torch.randn(2L, 128L)
            for v in variants do
                use g = Figure2.Generator(v, 32, 1)
                use d = Figure2.Critic(v, Normaliser.Layer, 32, 1)
                use x = g.call z
                Expect.sequenceEqual x.shape [| 2L; 1L; 32L; 32L |] $"{v}: 32×32 gray"
                use out = d.call x
                Expect.sequenceEqual out.shape [| 2L; 1L |] $"{v}: critic"
        }

        test "initialisation as the code: σ = 0.02 for the DCGAN functions, tflib's fan-based defaults for rows 2, 3 and 5" {
            torch.manual_seed 4L |> ignore
            let dcgan = 0.02 * sqrt 3.0
            // Rows 1, 4, 6 (both nets) and the DCGAN critic of rows 2, 3: every Linear and conv weight on ±0.02√3.
            for v in [ Figure2Variant.Dcgan; Figure2Variant.NoNormalization; Figure2Variant.Tanh ] do
                use g = Figure2.Generator v
                for name, w in weights g do uniformBound dcgan w $"{v} G {name}"
            for v in [ Figure2Variant.Dcgan; Figure2Variant.NoNormConstantFilters; Figure2Variant.MlpGenerator; Figure2Variant.Tanh ] do
                use d = Figure2.Critic(v, Normaliser.Layer)
                for name, w in weights d do uniformBound dcgan w $"{v} D {name}"
            // Row 2 G: Linear Glorot √3·√(2/(128+1024)); deconv He, fan_in = in·25/4, fan_out = out·25:
            // 64→64 √3·√(4/(400+1600)), 64→3 √3·√(4/(400+75)).
            use g2 = Figure2.Generator Figure2Variant.NoNormConstantFilters :?> ConstantWidthGenerator
            uniformBound (sqrt (6.0 / 1152.0)) (g2.named_parameters() |> Seq.pick (fun struct (n, p) -> if n = "input.weight" then Some p else None)) "row 2 Linear"
            for up in g2.Ups |> Seq.take 3 do uniformBound (sqrt (12.0 / 2000.0)) up.Deconv.weight "row 2 deconv 64→64"
            uniformBound (sqrt (12.0 / 475.0)) (g2.Ups |> Seq.last).Deconv.weight "row 2 deconv 64→3"
            // Row 3 G: hidden Linear He √3·√(2/in), output Glorot √3·√(2/(512+12288)).
            use g3 = Figure2.Generator Figure2Variant.MlpGenerator
            let w3 = weights g3 |> List.map snd
            uniformBound (sqrt (6.0 / 128.0)) w3[0] "row 3 Linear 128→512"
            for w in w3[1..3] do uniformBound (sqrt (6.0 / 512.0)) w "row 3 Linear 512→512"
            uniformBound (sqrt (6.0 / 12800.0)) w3[4] "row 3 Linear 512→12288"
            // Row 5: G Linear Glorot √3·√(2/(128+16384)), deconv 512→512 √3·√(4/(3200+12800)); D conv 3→128 He with
            // stride 2: fan_in 75, fan_out 128·25/4 = 800; Linear 8192→1 Glorot.
            use g5 = Figure2.Generator Figure2Variant.Gated :?> DcganGenerator
            uniformBound (sqrt (6.0 / 16512.0)) g5.Input.weight "row 5 G Linear"
            uniformBound (sqrt (12.0 / 16000.0)) g5.Ups[0].Deconv.weight "row 5 G deconv 512→512"
            use d5 = Figure2.Critic(Figure2Variant.Gated, Normaliser.Layer) :?> DcganCritic
            uniformBound (sqrt (12.0 / 875.0)) d5.Downs[0].Conv.weight "row 5 D conv 3→128"
            uniformBound (sqrt (6.0 / 8193.0)) (d5.named_parameters() |> Seq.pick (fun struct (n, p) -> if n = "output.weight" then Some p else None)) "row 5 D Linear"
            // Biases start at 0 under tflib; InitScheme.PyTorch keeps TorchSharp's kaiming-uniform (conv 3→64: ±1/√75).
            use d1 = Figure2.Critic(Figure2Variant.Dcgan, Normaliser.Layer) :?> DcganCritic
            for struct (name, p) in d1.named_parameters() do
                if name.StartsWith "downs" && name.EndsWith "bias" then Expect.equal (maxAbs p) 0.0 $"tflib bias {name} starts at 0"
            use torchDefault = Figure2.Critic(Figure2Variant.Dcgan, Normaliser.Layer, init = InitScheme.PyTorch) :?> DcganCritic
            Expect.isGreaterThan (maxAbs torchDefault.Downs[0].Conv.weight) (2.0 * dcgan) "PyTorch init keeps TorchSharp's bound"
        }

        test "one training step of every variant under each of the four methods (S = 16, 1 channel, dim 8) finishes" {
            use images = new LabelledImages("random", torch.randint(0L, 256L, [| 16L; 1L; 16L; 16L |]).``to``(torch.ScalarType.Byte), torch.zeros(16L, dtype = torch.int64))
            for v in variants do
                for m in [ Methods.WganGp; Methods.WganClipping; Methods.Dcgan; Methods.Lsgan ] do
                    use data = new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne)
                    let norm = (WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.Figure2(Figure2Variant.Dcgan, 64, 3, 1.0)) m.Constraint).Critic
                    let config =
                        TrainConfig(System.Func<_>(fun () -> Figure2.Generator(v, 16, 1, 8, 16)),
                                    System.Func<_>(fun () -> Figure2.Critic(v, norm, 16, 1, 8)), 16, data, m, 2, 4, 0L)
                    use result = Trainer.Run config
                    Expect.equal result.Status RunStatus.Finished $"{v} under {m.Name}"
        }

        test "width 0.25 at 32x32x1 (DIM 16): parameter counts equal bench/reference.py's PyTorch pairs built with --dim 16" {
            // Row 1 G: start = DIM·size/8 = 64 channels at 4×4: Linear 128→1024 132,096; BN(64) 128; deconv 64→32 51,232;
            // BN(32) 64; 32→16 12,816; BN(16) 32; 16→1 401 → 196,769. The critic: 1→16 416; 16→32 12,832; N(32) 64;
            // 32→64 51,264; N(64) 128; Linear 1024→1 1,025 → 65,729. The other rows' counts are PyTorch's, from
            // `python3 bench/reference.py --count-only --size 32 --channels 1 --dim 16`.
            let expected =
                [ Figure2Variant.Dcgan, 196_769L, 65_729L
                  Figure2Variant.NoNormConstantFilters, 46_257L, 65_729L
                  Figure2Variant.MlpGenerator, 198_144L, 65_729L
                  Figure2Variant.NoNormalization, 196_545L, 65_537L
                  Figure2Variant.Gated, 393_137L, 130_433L
                  Figure2Variant.Tanh, 196_769L, 65_729L
                  Figure2Variant.ResNet101, 774_329L, 479_945L ]
            for v, gCount, dCount in expected do
                let architecture = WganGp.Experiments.Dsl.Figure2(v, 32, 1, 0.25)
                let g, d, _ = WganGp.Experiments.Cells.networks architecture Methods.WganGp InitScheme.Tflib [| 1L; 32L; 32L |]
                use g = g.Invoke()
                use d = d.Invoke()
                Expect.equal (parameterCount g) gCount $"{v}: generator parameters at width 0.25"
                Expect.equal (parameterCount d) dCount $"{v}: critic parameters at width 0.25"
        }

        test "a width is part of an id only when it is not 1, and a width that gives no whole DIM is refused" {
            let id width = WganGp.Experiments.Dsl.Names.architecture (WganGp.Experiments.Dsl.Figure2(Figure2Variant.Dcgan, 32, 1, width))
            Expect.equal (id 1.0) "dcgan-32c1" "the paper's width: the id as before"
            Expect.equal (id 0.25) "dcgan-32c1-w0.25" "width 0.25"
            let check v w = Figure2Width.Check(v, 32, w) |> Option.ofObj
            Expect.isNone (check Figure2Variant.ResNet101 0.25) "DIM 16 builds the ResNet at 32"
            Expect.stringContains (check Figure2Variant.Dcgan 0.3 |> Option.defaultValue "") "not a whole number of channels" "64 x 0.3"
            Expect.stringContains (check Figure2Variant.Dcgan -1.0 |> Option.defaultValue "") "must be positive" "negative"
            Expect.stringContains (check Figure2Variant.ResNet101 (1.0 / 64.0) |> Option.defaultValue "") "ResNet-101 pair needs DIM a multiple of 2" "DIM 1"
        }
    ]
