module WganGp.Tests.ResNetTests

open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Tests.Support

/// Weight layers as the spec counts them ("33 blocks × 3 convs + in + out = 101"): every Linear, conv and transposed
/// conv, without the shortcut convs (with them it would be 105) and without normalisers. Returns (counted, shortcuts).
let private weightLayers (m: torch.nn.Module) =
    let layers =
        m.named_modules()
        |> Seq.choose (fun struct (name, c) ->
            match c with
            | :? TorchSharp.Modules.Linear | :? TorchSharp.Modules.Conv2d | :? TorchSharp.Modules.ConvTranspose2d -> Some name
            | _ -> None)
        |> Seq.toList
    let shortcuts = layers |> List.filter (fun n -> n.Contains "shortcut")
    layers.Length - shortcuts.Length, shortcuts.Length

let private same (a: torch.Tensor) (b: torch.Tensor) = a.shape = b.shape && a.eq(b).all().item<bool>()

let private parameter (m: torch.nn.Module) (name: string) =
    m.named_parameters() |> Seq.pick (fun struct (n, p) -> if n = name then Some p else None)

let tests =
    testList "ResNets" [
        test "depth_to_space follows TensorFlow's channel order (block offset slow), not PyTorch's pixel_shuffle" {
            // [1, 2·2·3, 2, 2]: 3 output channels, block 2.
            use x = torch.arange(48L, dtype = torch.float64).view(1L, 12L, 2L, 2L)
            use y = DepthToSpace.Apply(x, 2)
            Expect.sequenceEqual y.shape [| 1L; 3L; 4L; 4L |] "[B, C, 2H, 2W]"
            for c in 0L .. 2L do
                for h in 0L .. 1L do
                    for w in 0L .. 1L do
                        for i in 0L .. 1L do
                            for j in 0L .. 1L do
                                let expected = x[0L, (i * 2L + j) * 3L + c, h, w].item<float>()
                                Expect.equal (y[0L, c, 2L * h + i, 2L * w + j].item<float>()) expected "out[c, 2h+i, 2w+j] = in[(2i+j)·C + c, h, w]"
            use shuffled = torch.nn.functional.pixel_shuffle(x, 2L)
            Expect.isFalse (same y shuffled) "pixel_shuffle reads channel c·4 + 2i + j instead"
            // Same result once the channels are permuted: pixel_shuffle's channel c·4 + k is TF's k·3 + c.
            use perm = torch.tensor([| for c in 0L .. 2L do for k in 0L .. 3L -> k * 3L + c |])
            use viaShuffle = torch.nn.functional.pixel_shuffle(x.index_select(1L, perm), 2L)
            Expect.isTrue (same y viaShuffle) "a channel permutation apart"
        }

        test "SAME 3x3 stride-2 conv pads 0 before and 1 after; the k=3 SAME transposed conv is its exact adjoint" {
            torch.manual_seed 3L |> ignore
            use conv = new SameConv2d(3L, 4L, 3, 2, bias = false)
            use deconv = new SameConvTranspose2d(4L, 3L, 3, bias = false)
            conv.``to``(torch.float64) |> ignore
            deconv.``to``(torch.float64) |> ignore
            use _ = torch.no_grad()
            deconv.Deconv.weight.copy_(conv.Conv.weight) |> ignore
            use x = torch.randn(2L, 3L, 8L, 8L, dtype = torch.float64)
            use y = torch.randn(2L, 4L, 4L, 4L, dtype = torch.float64)
            use cx = conv.call x
            use padded = torch.nn.functional.pad(x, [| 0L; 1L; 0L; 1L |])
            use reference = torch.nn.functional.conv2d(padded, conv.Conv.weight, strides = [| 2L; 2L |])
            Expect.isTrue (cx.allclose(reference, 0.0, 1e-12)) "(0, 1) padding, as TensorFlow"
            use dy = deconv.call y
            Expect.sequenceEqual dy.shape [| 2L; 3L; 8L; 8L |] "2H × 2W"
            close 1e-10 ((cx * y).sum().item<float>()) ((x * dy).sum().item<float>()) "<conv x, y> = <x, deconv y>"
        }

        test "nearest-neighbour 2x upsampling and 2x2 mean-pooling" {
            use x = torch.randn(2L, 3L, 4L, 5L)
            use up = Resampling.NearestUp2x x
            use reference = torch.nn.functional.interpolate(x, scale_factor = [| 2.0; 2.0 |], mode = torch.InterpolationMode.Nearest)
            Expect.isTrue (same up reference) "each pixel becomes a 2×2 block"
            use back = Resampling.MeanPool2x up
            Expect.isTrue (back.allclose(x, 1e-6, 1e-6)) "mean-pool undoes it"
            use y = torch.arange(16.0f).view(1L, 1L, 4L, 4L)
            use pooled = Resampling.MeanPool2x y
            Expect.equal (pooled[0L, 0L, 0L, 1L].item<float32>()) ((2.0f + 3.0f + 6.0f + 7.0f) / 4.0f) "block mean"
        }

        test "ResNet-101 pair at paper size (dim 64, 64x64x3): 101 weight layers each, exact parameter counts, shapes" {
            torch.manual_seed 4L |> ignore
            use g = new ResNet101Generator()
            use d = new ResNet101Critic()
            // 33 blocks × 3 convs + Linear in + 1×1 conv out (G) / 1×1 conv in + Linear out (D) = 101; the 4 resampling
            // blocks' shortcut convs are not in the spec's count (33·3 + 2 = 101 leaves no room for them).
            Expect.equal (weightLayers g) (101, 4) "generator: 101 layers + 4 shortcut convs"
            Expect.equal (weightLayers d) (101, 4) "critic: 101 layers + 4 shortcut convs"
            // A same-shape block of width w (a = w in and out): 1×1 w→w/2 + bias, 3×3 w/2→w/2 + bias, 1×1 w/2→w (no bias),
            // norm 2w: w²/2 + w/2 + 9w²/4 + w/2 + w²/2 + 2w = 13w²/4 + 3w → 853,504 (512), 213,760 (256), 53,632 (128),
            // 13,504 (64), 3,424 (32).
            // Up a→b: 1×1 a→a/2 + bias, 3×3 transposed a/2→b/2 + bias, 1×1 b/2→b, norm 2b, shortcut 1×1 a→4b + bias:
            // 512→256 459,648 + 525,312; 256→128 115,136 + 131,584; 128→64 28,896 + 33,024; 64→32 7,280 + 8,320.
            // G: Linear 128→8192 + bias 1,056,768; 6·853,504; up; 6·213,760; up; 6·53,632; up; 6·13,504; up; 5·3,424;
            // 1×1 conv 32→3 + bias 99.
            Expect.equal (parameterCount g) 9_189_587L "generator parameters"
            // Down a→b: as Up but a stride-2 3×3 conv, shortcut 1×1 a→b + bias: 32→64 7,344 + 2,112; 64→128 29,024 + 8,320;
            // 128→256 115,392 + 33,024; 256→512 460,160 + 131,584. D: 1×1 conv 3→32 + bias 128; 5·3,424; down; 6·13,504;
            // down; 6·53,632; down; 6·213,760; down; 6·853,504; Linear 8192→1 8,193. Layer norm: one scale and offset per
            // channel, as batch norm, so the count does not depend on the method.
            Expect.equal (parameterCount d) 7_618_801L "critic parameters"
            use z = torch.randn(1L, 128L)
            use x = g.call z
            Expect.sequenceEqual x.shape [| 1L; 3L; 64L; 64L |] "3 × 64 × 64 image"
            use score = d.call x
            Expect.sequenceEqual score.shape [| 1L; 1L |] "one value per image"
            Expect.isTrue (System.Double.IsFinite(score.item<float32>() |> float)) "finite score"
        }

        test "the Fashion-MNIST matrix's resnet101-32c1-w0.25, as its cells build it: 83 weight layers in G and D, not 101" {
            // The README's reading of results/fashion-matrix says so: at 32×32 the "101-layer" ResNet has 27 blocks.
            let architecture = WganGp.Experiments.Dsl.Figure2(Figure2Variant.ResNet101, 32, 1, 0.25)
            Expect.equal (WganGp.Experiments.Dsl.Names.architecture architecture) "resnet101-32c1-w0.25" "the matrix's row"
            for method in WganGp.Experiments.Paper.Lsun.methods do
                let generator, critic, _ = WganGp.Experiments.Cells.networks architecture method InitScheme.Tflib [| 1L; 32L; 32L |]
                use g = generator.Invoke()
                use d = critic.Invoke()
                Expect.equal (weightLayers g) (83, 3) $"{method.Name}: generator, 83 layers + 3 shortcut convs"
                Expect.equal (weightLayers d) (83, 3) $"{method.Name}: critic, 83 layers + 3 shortcut convs"
        }

        test "ResNet-101 at 32x32x1 drops the 64x64 stage; G ends in tanh(x/5), D in Linear/5" {
            let stages = ResNet101Layout.Stages(16, 32)
            Expect.sequenceEqual [ for s in stages -> s.Resolution, s.Blocks, s.Width ] [ 4, 6, 128L; 8, 6, 64L; 16, 6, 32L; 32, 6, 16L ] "widths 32·dim/r"
            use g = new ResNet101Generator(16, 16, 32, 1)
            use d = new ResNet101Critic(16, 32, 1)
            Expect.equal (weightLayers g) (27 * 3 + 2, 3) "27 blocks, 3 of them upsampling"
            Expect.equal (weightLayers d) (27 * 3 + 2, 3) "27 blocks, 3 of them downsampling"
            use z = torch.randn(2L, 16L)
            use x = g.call z
            Expect.sequenceEqual x.shape [| 2L; 1L; 32L; 32L |] "1 × 32 × 32 images"
            do
                use _ = torch.no_grad()
                (parameter g "output.weight").zero_() |> ignore
                (parameter g "output.bias").fill_(5.0) |> ignore
                (parameter d "output.weight").zero_() |> ignore
                (parameter d "output.bias").fill_(5.0) |> ignore
            use constant = g.call z
            Expect.isTrue (constant.allclose(torch.tensor(float32 (tanh 1.0)), 0.0, 1e-6)) "tanh(5 / 5) everywhere"
            use score = d.call constant
            Expect.isTrue (score.allclose(torch.ones([| 1L |]), 0.0, 1e-6)) "5 / 5"
            throwsWith<System.ArgumentException> "size" (fun () -> new ResNet101Generator(size = 16) |> ignore)
            throwsWith<System.ArgumentException> "dim" (fun () -> new ResNet101Critic(dim = 6) |> ignore)
        }

        test "the ResNet-101 critic with layer norm has no batch norm and passes the penalty's check; with batch norm it does not" {
            use ln = new ResNet101Critic(8, 32, 1, Normaliser.Layer)
            use bn = new ResNet101Critic(8, 32, 1, Normaliser.Batch)
            Expect.isFalse (hasModule<TorchSharp.Modules.BatchNorm2d> ln) "no batch norm"
            Expect.isTrue (hasModule<TorchSharp.Modules.GroupNorm> ln) "layer norm = GroupNorm(1, C)"
            Expect.isTrue (hasModule<TorchSharp.Modules.BatchNorm2d> bn) "batch norm otherwise"
            Expect.equal (parameterCount ln) (parameterCount bn) "same parameter count"
            let norms = [ for struct (name, p) in ln.named_parameters() do if name.Contains "normalizer" then yield name, p ]
            Expect.equal norms.Length (27 * 2) "a scale and an offset per block"
            for name, p in norms do
                let expected = if name.EndsWith "weight" then 1.0f else 0.0f
                Expect.isTrue (p.eq(torch.tensor expected).all().item<bool>()) $"{name} starts at {expected}"
            Methods.WganGp.Constraint.Validate ln
            throwsWith<System.ArgumentException> "BatchNorm" (fun () -> Methods.WganGp.Constraint.Validate bn)
        }

        test "tflib init: branch convs he, shortcut convs Glorot, strides and transposition in the fans, biases 0" {
            torch.manual_seed 8L |> ignore
            // Uniform on ±σ√3; σ = √(4 / (fan_in + fan_out)) (he) or √(2 / …) (Glorot); conv fan_out = out·k² / stride²,
            // transposed conv fan_in = in·k² / 4, fan_out = out·k².
            let bound (c: float) fanIn fanOut = sqrt (c / (fanIn + fanOut)) * sqrt 3.0
            let check (m: torch.nn.Module) name expected =
                let w = parameter m (name + ".weight")
                let top = w.abs().max().item<float32>() |> float
                let reached = w.numel() < 500L || top >= 0.95 * expected   // a few weights need not come near the bound
                Expect.isTrue (top <= expected * (1.0 + 1e-6) && reached) $"{name}: max |w| {top} vs bound {expected}"
                match m.named_parameters() |> Seq.tryPick (fun struct (n, p) -> if n = name + ".bias" then Some p else None) with
                | Some b -> Expect.equal (b.abs().max().item<float32>()) 0.0f $"{name}: bias 0"
                | None -> ()
            use down = new BottleneckBlock(64L, 128L, Resample.Down)
            check down "conv1" (bound 4.0 64.0 32.0)
            check down "conv1b.conv" (bound 4.0 (32.0 * 9.0) (64.0 * 9.0 / 4.0))
            check down "conv2" (bound 4.0 64.0 128.0)
            check down "shortcut" (bound 2.0 64.0 (128.0 / 4.0))
            use up = new BottleneckBlock(128L, 64L, Resample.Up)
            check up "conv1b.deconv" (bound 4.0 (64.0 * 9.0 / 4.0) (32.0 * 9.0))
            check up "shortcut.conv" (bound 2.0 128.0 (4.0 * 64.0))
            use g = new ResNet101Generator(16, 8, 32, 1)
            check g "input" (bound 2.0 16.0 (16.0 * 64.0))
            check g "output" (bound 2.0 8.0 1.0)
            use block = new CifarResBlock(16L, 16L, Resample.Up, Normaliser.Batch)
            check block "conv1" (bound 4.0 (16.0 * 9.0) (16.0 * 9.0))
            check block "shortcut" (bound 2.0 16.0 16.0)
            use pt = new BottleneckBlock(64L, 128L, Resample.Down, init = InitScheme.PyTorch)
            let w = parameter pt "shortcut.weight"
            Expect.isTrue ((w.abs().max().item<float32>() |> float) < 0.9 * bound 2.0 64.0 32.0) "PyTorch scheme keeps kaiming-uniform (bound 1/√fan_in)"
        }

        test "CIFAR-10 ResNet pair at paper size (dim 128): exact parameter counts, 32x32x3 output, AC head [B, 10]" {
            torch.manual_seed 5L |> ignore
            use g = new CifarResNetGenerator()
            use cg = new CifarResNetGenerator(conditional = true)
            use d = new CifarResNetCritic()
            use ac = new CifarResNetCritic(auxiliaryClassifier = true)
            // G: Linear 128→2048 + bias 264,192; an Up block: BN(128) 256, 3×3 128→128 + bias 147,584, BN 256, 3×3 147,584,
            // shortcut 1×1 128→128 + bias 16,512 = 312,192, three of them 936,576; output BN 256; 3×3 128→3 + bias 3,459.
            Expect.equal (parameterCount g) 1_204_483L "generator parameters"
            // Conditional: each block's two BNs (2·256) become conditional BNs of 10 classes (2·2·10·128 = 5,120): +4,608 × 3.
            Expect.equal (parameterCount cg) 1_218_307L "conditional generator parameters"
            // D: first block 3×3 3→128 + bias 3,584, 3×3 128→128 147,584, shortcut 1×1 3→128 + bias 512 = 151,680; Down block
            // 2·147,584 + shortcut 16,512 = 311,680; two plain blocks 2·295,168 (identity shortcuts, no norms); Linear 128→1 129.
            Expect.equal (parameterCount d) 1_053_825L "critic parameters"
            // AC head: Linear 128→10 + bias 1,290.
            Expect.equal (parameterCount ac) 1_055_115L "critic with the auxiliary classifier"
            use z = torch.randn(2L, 128L)
            use x = g.call z
            Expect.sequenceEqual x.shape [| 2L; 3L; 32L; 32L |] "3 × 32 × 32 images"
            use score = d.call x
            Expect.sequenceEqual score.shape [| 2L; 1L |] "one score per image"
            let struct (s, logits) = ac.ForwardWithClasses x
            use s = s
            use logits = logits
            Expect.sequenceEqual s.shape [| 2L; 1L |] "score"
            Expect.sequenceEqual logits.shape [| 2L; 10L |] "10 class logits"
            use plain = ac.call x
            Expect.isTrue (same plain s) "forward gives the same score"
            throwsWith<System.InvalidOperationException> "auxiliary classifier" (fun () -> d.ForwardWithClasses x |> ignore)
            Expect.isFalse (hasModule<TorchSharp.Modules.BatchNorm2d> d || hasModule<TorchSharp.Modules.GroupNorm> d) "no normalisation in the critic"
            Methods.WganGp.Constraint.Validate d
        }

        test "conditional generator: per-class BN parameters, output depends on the label, labels are required" {
            torch.manual_seed 6L |> ignore
            use g = new CifarResNetGenerator(conditional = true, latent = 16, dim = 16)
            let conditional = [ for struct (n, p) in g.named_parameters() do if n.StartsWith "blocks" && n.Contains "norm" then yield n, p.shape ]
            Expect.equal conditional.Length 12 "3 blocks × 2 norms × (scale, offset)"
            for n, shape in conditional do Expect.sequenceEqual shape [| 10L; 16L |] $"{n}: one row per class"
            Expect.isTrue (hasModule<TorchSharp.Modules.BatchNorm2d> g) "the output BN is unconditional"
            // Distinct scales and offsets per class, as after training (they start equal: 1 and 0).
            do
                use _ = torch.no_grad()
                for struct (n, p) in g.named_parameters() do
                    if n.StartsWith "blocks" && n.Contains "norm" then p.add_(torch.randn_like p * 0.5) |> ignore
            use z = torch.randn(1L, 16L).expand(4L, 16L)
            use labels = torch.tensor([| 0L; 3L; 0L; 7L |])
            use x = g.Forward(z, labels)
            Expect.sequenceEqual x.shape [| 4L; 3L; 32L; 32L |] "images"
            Expect.isTrue (x[0].allclose(x[2], 1e-5, 1e-6)) "same z, same label: same image"
            Expect.isFalse (x[0].allclose(x[1], 1e-3, 1e-3)) "same z, other label: another image"
            Expect.isFalse (x[1].allclose(x[3], 1e-3, 1e-3)) "labels 3 and 7 differ"
            throwsWith<System.InvalidOperationException> "Forward(z, labels)" (fun () -> g.call z |> ignore)
            throwsWith<System.ArgumentException> "[0, 10)" (fun () -> g.Forward(z, torch.tensor([| 0L; 1L; 2L; 10L |])) |> ignore)
            use u = new CifarResNetGenerator(latent = 16, dim = 16)
            throwsWith<System.InvalidOperationException> "unconditional" (fun () -> u.Forward(z, labels) |> ignore)
        }

        test "conditional batch norm: batch statistics, then the sample's class scale and offset" {
            torch.manual_seed 7L |> ignore
            use cbn = new ConditionalBatchNorm2d(3L, 4)
            cbn.``to``(torch.float64) |> ignore
            do
                use _ = torch.no_grad()
                (parameter cbn "weight").copy_(torch.arange(12L, dtype = torch.float64).view(4L, 3L) + 1.0) |> ignore
                (parameter cbn "bias").copy_(-torch.arange(12L, dtype = torch.float64).view(4L, 3L)) |> ignore
            use x = torch.randn(5L, 3L, 2L, 3L, dtype = torch.float64) * 3.0 + 1.0
            use labels = torch.tensor([| 0L; 3L; 1L; 3L; 2L |])
            use y = cbn.call(x, labels)
            let dims = [| 0L; 2L; 3L |]
            use mean = x.mean(dims, true)
            use var = (x - mean).square().mean(dims, true)
            use normalized = (x - mean) / (var + 1e-5).sqrt()
            for b in 0L .. 4L do
                let k = labels[b].item<int64>()
                for c in 0L .. 2L do
                    use expected = normalized[b, c] * float (k * 3L + c + 1L) - float (k * 3L + c)
                    Expect.isTrue (y[b, c].allclose(expected, 1e-10, 1e-10)) $"sample {b}, channel {c}"
            throwsWith<System.ArgumentException> "labels" (fun () -> cbn.call(x, torch.tensor([| 0L; 1L |])) |> ignore)
        }

        test "UpsampleBeforeSecondConv: same parameters, a different function (conv1 at the lower resolution)" {
            use codeOrder = new CifarResBlock(4L, 6L, Resample.Up, Normaliser.Batch)
            use paperOrder = new CifarResBlock(4L, 6L, Resample.Up, Normaliser.Batch, upsampleBeforeSecondConv = true)
            Expect.equal (parameterCount paperOrder) (parameterCount codeOrder) "same parameters"
            paperOrder.load_state_dict(codeOrder.state_dict()) |> ignore
            use x = torch.randn(3L, 4L, 5L, 5L)
            use a = codeOrder.call(x, null)
            use b = paperOrder.call(x, null)
            Expect.sequenceEqual b.shape a.shape "both double the size"
            Expect.sequenceEqual a.shape [| 3L; 6L; 10L; 10L |] "2H × 2W"
            Expect.isFalse (a.allclose(b, 1e-4, 1e-4)) "different maps"
        }

        test "one training step of each unconditional ResNet pair under each of the four methods finishes" {
            use images = new LabelledImages("random", torch.randint(0L, 256L, [| 8L; 1L; 32L; 32L |]).``to``(torch.ScalarType.Byte), torch.zeros(8L, dtype = torch.int64))
            let pairs : (string * (unit -> Module) * (Normaliser -> Module)) list =
                [ "ResNet-101", (fun () -> new ResNet101Generator(16, 8, 32, 1) :> Module), (fun n -> new ResNet101Critic(8, 32, 1, n) :> Module)
                  "CIFAR ResNet", (fun () -> new CifarResNetGenerator(latent = 16, dim = 8, channels = 1) :> Module), (fun _ -> new CifarResNetCritic(dim = 8, channels = 1) :> Module) ]
            for name, makeG, makeD in pairs do
                for m in [ Methods.WganGp; Methods.WganClipping; Methods.Dcgan; Methods.Lsgan ] do
                    use data = new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne)
                    let norm = (WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.Figure2(Figure2Variant.Dcgan, 64, 3, 1.0)) m.Constraint).Critic
                    let config = TrainConfig(System.Func<_>(makeG), System.Func<_>(fun () -> makeD norm), 16, data, m, 2, 2, 0L)
                    use result = Trainer.Run config
                    Expect.equal result.Status RunStatus.Finished $"{name} under {m.Name}"
        }
    ]
