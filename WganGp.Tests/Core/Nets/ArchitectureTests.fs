module WganGp.Tests.ArchitectureTests

open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Tests.Support

/// Layers with weights: Linear, convs and transposed convs (normalisers are not counted as depth).
let private weightLayers (m: torch.nn.Module) =
    m.named_modules()
    |> Seq.filter (fun struct (_, c) -> c :? Modules.Linear || c :? Modules.Conv2d || c :? Modules.ConvTranspose2d)
    |> Seq.length

let private methods = [ Methods.WganGp; Methods.WganClipping; Methods.Dcgan; Methods.Lsgan ]

/// Uniformly random one-hot sequences [B, length, vocabulary], the layout of the character data batches.
type private RandomOneHot(length: int, vocabulary: int) =
    interface IBatchSource with
        member _.Name = "random-one-hot"
        member _.ItemShape = [| int64 length; int64 vocabulary |]
        member _.NextBatch batchSize =
            use ids = torch.randint(0L, int64 vocabulary, [| int64 batchSize; int64 length |])
            use hot = torch.nn.functional.one_hot(ids, int64 vocabulary)
            hot.``to``(torch.float32)

/// One Trainer.Run of 2 generator iterations at batch 4 under each method; every run must finish.
let private trainsUnderEachMethod latent (data: unit -> IBatchSource) (generator: Method -> Module) (critic: Method -> Module) =
    for m in methods do
        let source = data ()
        try
            let config =
                TrainConfig(System.Func<_>(fun () -> generator m), System.Func<_>(fun () -> critic m), latent, source, m, 2, 4, 0L)
            use result = Trainer.Run config
            Expect.equal result.Status RunStatus.Finished m.Name
        finally
            match source with
            | :? System.IDisposable as d -> d.Dispose()
            | _ -> ()

let private randomImages channels size =
    new LabelledImages("random", torch.randint(0L, 256L, [| 16L; channels; size; size |]).``to``(torch.ScalarType.Byte), torch.zeros(16L, dtype = torch.int64))

let tests =
    testList "CIFAR, MNIST, language and random architectures" [
        test "gan_cifar.py's pair: 32x32x3 tanh images, one value per image, parameter counts as tflib defines them" {
            use g = new CifarDcganGenerator()
            use d = new CifarDcganCritic()
            use dBn = new CifarDcganCritic(norm = Normaliser.Batch)
            use z = torch.randn(3L, 128L)
            use x = g.call z
            Expect.sequenceEqual x.shape [| 3L; 3L; 32L; 32L |] "3 × 32 × 32 images"
            Expect.isTrue (x.abs().max().item<float32>() < 1.0f) "tanh output"
            use out = d.call x
            Expect.sequenceEqual out.shape [| 3L; 1L |] "one value per image"
            // G (DIM 128): Linear 128→8192 with bias 1,048,576 + 8,192 = 1,056,768; BN over the 8,192 features 16,384;
            // 5×5 deconvs with bias: 512→256 3,276,800 + 256 = 3,277,056, BN(256) 512; 256→128 819,200 + 128 = 819,328,
            // BN(128) 256; 128→3 9,600 + 3 = 9,603.
            Expect.equal (parameterCount g) 5_179_907L "generator parameters"
            // D under WGAN-GP (no normaliser): 5×5 convs with bias: 3→128 9,600 + 128 = 9,728; 128→256 819,456;
            // 256→512 3,277,312; Linear 8192→1 8,193.
            Expect.equal (parameterCount d) 4_114_689L "WGAN-GP critic parameters"
            // With batch norm (other modes): + BN(256) 512 + BN(512) 1,024.
            Expect.equal (parameterCount dBn) 4_116_225L "batch-norm critic parameters"
        }

        test "gan_cifar.py's pair at 1 channel and width 0.5 (DIM 64): 32x32x1 images, parameter counts at DIM 64, its own name; the paper's keeps its name" {
            let entry = WganGp.Experiments.Paper.Cifar.dcganAt 1 0.5
            Expect.sequenceEqual entry.InputShape [| 1L; 32L; 32L |] "input shape"
            Expect.isEmpty (entry.Problems()) "buildable"
            let factories = entry.Networks(NetworkSpec(entry.NormalisersFor(CriticNeeds(false, false)), InitScheme.Tflib, entry.InputShape, entry.LatentDim))
            use g = factories.Generator.Invoke()
            use d = factories.Critic.Invoke()
            use x = g.call (torch.randn(2L, 128L))
            Expect.sequenceEqual x.shape [| 2L; 1L; 32L; 32L |] "1 × 32 × 32 images"
            Expect.sequenceEqual (d.call x).shape [| 2L; 1L |] "one value per image"
            // G (DIM 64): Linear 128→4096 with bias 528,384; BN(4096) 8,192; deconv 256→128 819,328, BN(128) 256;
            // 128→64 204,864, BN(64) 128; 64→1 1,601.
            Expect.equal (parameterCount g) 1_562_753L "generator parameters"
            // D without a normaliser (WGAN-GP): convs 1→64 1,664; 64→128 204,928; 128→256 819,456; Linear 4096→1 4,097.
            Expect.equal (parameterCount d) 1_030_145L "critic parameters"
            Expect.equal (WganGp.Experiments.Dsl.Names.architecture (WganGp.Experiments.Paper.Cifar.dcganAt 1 0.5)) "cifar-dcgan-32c1-w0.5" "name"
            Expect.equal (WganGp.Experiments.Dsl.Names.architecture WganGp.Experiments.Paper.Cifar.dcganPair) "cifar-dcgan" "the paper's pair keeps its name"
            let problems (channels, width) = List.ofSeq ((CifarDcganEntry(channels, width)).Problems())
            Expect.equal (problems (1, 0.3)) [ "width 0.3 gives DIM = 128 x 0.3, not a whole number of channels (use a multiple of 1/128)" ] "fractional channels"
            Expect.equal (problems (2, 1.0)) [ "channels must be 1 or 3, got 2" ] "two channels"
        }

        test "gan_cifar.py's critic rule: no normaliser under WGAN-GP (not gan_64x64.py's layer norm), batch norm otherwise" {
            Expect.equal ((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.CifarDcgan(3, 1.0)) Methods.WganGp.Constraint).Critic) Normaliser.None "WGAN-GP"
            Expect.equal ((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.CifarDcgan(3, 1.0)) Methods.WganGpOneSided.Constraint).Critic) Normaliser.None "one-sided WGAN-GP"
            for m in [ Methods.WganClipping; Methods.Dcgan; Methods.Lsgan ] do
                Expect.equal ((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.CifarDcgan(3, 1.0)) m.Constraint).Critic) Normaliser.Batch m.Name
            use gp = new CifarDcganCritic(8, (WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.CifarDcgan(3, 1.0)) Methods.WganGp.Constraint).Critic)
            Expect.isFalse (hasModule<Modules.BatchNorm> gp || hasModule<Modules.GroupNorm> gp) "no normaliser at all"
            Methods.WganGp.Constraint.Validate gp
            use clip = new CifarDcganCritic(8, (WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.CifarDcgan(3, 1.0)) Methods.WganClipping.Constraint).Critic)
            Expect.isTrue (hasModule<Modules.BatchNorm2d> clip) "batch norm under clipping"
        }

        test "gan_mnist.py's pair: the 7x7 crop gives 28x28 sigmoid images; counts with and without the clipping mode's batch norm" {
            use g = new MnistDcganGenerator()
            use d = new MnistDcganCritic()
            use x = g.call (torch.randn(3L, 128L))
            Expect.sequenceEqual x.shape [| 3L; 1L; 28L; 28L |] "4 → 8 → crop 7 → 14 → 28"
            Expect.isTrue (x.min().item<float32>() > 0.0f && x.max().item<float32>() < 1.0f) "sigmoid output"
            use out = d.call x
            Expect.sequenceEqual out.shape [| 3L; 1L |] "28 → 14 → 7 → 4, one value per image"
            // G (DIM 64): Linear 128→4096 524,288 + 4,096 = 528,384; 5×5 deconvs with bias: 256→128 819,200 + 128 =
            // 819,328; 128→64 204,800 + 64 = 204,864; 64→1 1,600 + 1 = 1,601.
            Expect.equal (parameterCount g) 1_554_177L "generator parameters (wgan-gp, dcgan)"
            // D: 5×5 convs with bias: 1→64 1,600 + 64 = 1,664; 64→128 204,928; 128→256 819,456; Linear 4096→1 4,097.
            Expect.equal (parameterCount d) 1_030_145L "critic parameters (wgan-gp, dcgan)"
            // Mode wgan: G + BN1 over 4,096 features 8,192 + BN(128) 256 + BN(64) 128; D + BN(128) 256 + BN(256) 512.
            use gBn = new MnistDcganGenerator(norm = (WganGp.Experiments.Cells.normalisers WganGp.Experiments.Dsl.MnistDcgan Methods.WganClipping.Constraint).Critic)
            use dBn = new MnistDcganCritic(norm = (WganGp.Experiments.Cells.normalisers WganGp.Experiments.Dsl.MnistDcgan Methods.WganClipping.Constraint).Critic)
            Expect.equal (parameterCount gBn) 1_562_753L "generator parameters (wgan)"
            Expect.equal (parameterCount dBn) 1_030_913L "critic parameters (wgan)"
            Expect.sequenceEqual (gBn.call (torch.randn(2L, 128L))).shape [| 2L; 1L; 28L; 28L |] "with batch norm"
            for m in [ Methods.WganGp; Methods.Dcgan; Methods.Lsgan ] do
                Expect.equal ((WganGp.Experiments.Cells.normalisers WganGp.Experiments.Dsl.MnistDcgan m.Constraint).Critic) Normaliser.None m.Name
            Expect.equal ((WganGp.Experiments.Cells.normalisers WganGp.Experiments.Dsl.MnistDcgan Methods.WganClipping.Constraint).Critic) Normaliser.Batch "wgan (clipping)"
        }

        test "character language model (V = 100): softmax rows sum to 1 in [B, 32, V], the critic takes one-hot data; counts" {
            use g = new LanguageGenerator(100)
            use d = new LanguageCritic(100)
            use y = g.call (torch.randn(3L, 128L))
            Expect.sequenceEqual y.shape [| 3L; 32L; 100L |] "[B, position, vocabulary]"
            Expect.isTrue (y.min().item<float32>() >= 0.0f) "probabilities"
            use sums = y.sum(-1L)
            Expect.isTrue (sums.allclose(torch.ones(3L, 32L), 1e-5, 1e-5)) "each position's row sums to 1"
            use ids = torch.randint(0L, 100L, [| 3L; 32L |])
            use hot = torch.nn.functional.one_hot(ids, 100L).``to``(torch.float32)
            Expect.sequenceEqual (d.call hot).shape [| 3L; 1L |] "one value per one-hot sequence"
            Expect.sequenceEqual (d.call y).shape [| 3L; 1L |] "and per softmax sequence"
            // ResBlock: two kernel-5 1-D convs 512→512 with bias, 2 × (1,310,720 + 512) = 2,622,464; five of them 13,112,320.
            // G: Linear 128→16,384 2,097,152 + 16,384 = 2,113,536; blocks 13,112,320; kernel-1 conv 512→100 51,200 + 100 = 51,300.
            Expect.equal (parameterCount g) 15_277_156L "generator parameters"
            // D: kernel-1 conv 100→512 51,200 + 512 = 51,712; blocks 13,112,320; Linear 16,384→1 16,385.
            Expect.equal (parameterCount d) 13_180_417L "critic parameters"
            Expect.isFalse (hasModule<Modules.BatchNorm> d || hasModule<Modules.GroupNorm> d) "no normalisation"
        }

        test "tflib init: convs and transposed convs He, Linear Glorot, biases 0, normalisers 1 and 0; the PyTorch scheme keeps TorchSharp's" {
            torch.manual_seed 4L |> ignore
            use d = new CifarDcganCritic(8, Normaliser.Batch)
            use g = new RandomArchGenerator(Nonlinearity.Relu, 8, 4, Normaliser.Batch, 4)
            use lm = new LanguageCritic(5, 8, 16, 1)
            let param (m: torch.nn.Module) name = m.named_parameters() |> Seq.pick (fun struct (n, t) -> if n = name then Some t else None)
            let uniformWith sigma (m: torch.nn.Module) name =
                let bound = sigma * sqrt 3.0
                let largest = (param m name).abs().max().item<float32>() |> float
                Expect.isTrue (largest <= bound * (1.0 + 1e-6) && largest > 0.8 * bound) $"{name}: max |w| {largest} near the bound {bound}"
            uniformWith (sqrt (4.0 / (75.0 + 50.0))) d "conv1.conv.weight"          // 5×5 s2 3→8: fan_in 3·25, fan_out 8·25/4
            uniformWith (sqrt (2.0 / (512.0 + 1.0))) d "output.weight"              // Linear 512→1, Glorot
            uniformWith (sqrt (2.0 / (4.0 + 256.0))) g "input.weight"               // Linear 4→256, Glorot
            uniformWith (sqrt (4.0 / (144.0 + 144.0))) g "stacks.0.convs.0.weight"  // 3×3 s1 16→16: fan 16·9 each way
            uniformWith (sqrt (4.0 / (100.0 + 200.0))) g "ups.0.deconv.weight"      // deconv 16→8: fan_in 16·25/4, fan_out 8·25
            uniformWith (sqrt (4.0 / (5.0 + 16.0))) lm "input.weight"               // kernel-1 5→16
            uniformWith (sqrt (4.0 / (80.0 + 80.0))) lm "blocks.0.conv1.weight"     // kernel-5 16→16
            for m in [ d :> torch.nn.Module; g; lm ] do
                for struct (name, p) in m.named_parameters() do
                    if name.EndsWith "bias" then Expect.equal (p.abs().max().item<float32>()) 0.0f $"{name} starts at 0"
                    elif name.Contains "orm" then Expect.isTrue (p.eq(torch.tensor 1.0f).all().item<bool>()) $"{name} starts at 1"
            use pytorch = new CifarDcganCritic(8, init = InitScheme.PyTorch)
            Expect.isTrue ((param pytorch "conv1.conv.bias").abs().max().item<float32>() > 0.0f) "PyTorch's default biases are not zero"
        }

        test "ResBlock1d keeps the length ('SAME', symmetric padding 2) and adds a residual; even kernels are refused" {
            torch.manual_seed 3L |> ignore
            use block = new ResBlock1d(16L)
            use x = torch.randn(2L, 16L, 7L)
            use y = block.call x
            Expect.sequenceEqual y.shape [| 2L; 16L; 7L |] "same length"
            use diff = y - x
            Expect.isTrue (diff.abs().max().item<float32>() > 0.0f) "a residual is added"
            throwsWith<System.ArgumentException> "odd kernel" (fun () -> (new ResBlock1d(4L, 4)).Dispose())
        }

        test "SplitMix64 reproduces the reference stream for seed 0" {
            let r = SplitMix64 0UL
            Expect.equal (r.Next()) 0xE220A8397B1DCDAFUL "1st"
            Expect.equal (r.Next()) 0x6E789E6AA1B965F4UL "2nd"
            Expect.equal (r.Next()) 0x06C45D188009454FUL "3rd"
        }

        test "random architectures: same seed same record, golden record for seed 0, every Table 1 choice reached over 500 seeds" {
            Expect.equal (RandomArchitecture.Sample 7) (RandomArchitecture.Sample 7) "deterministic"
            let zero = RandomArchitecture.Sample 0
            Expect.equal zero (RandomArchitecture(Nonlinearity.Tanh, 4, false, 64, Nonlinearity.Tanh, 12, false, 128)) "seed 0"
            Expect.equal zero.Name "g-tanh-d4-nobn-f64_d-tanh-d12-nobn-f128" "name"
            Expect.equal (string zero) zero.Name "ToString is the name"
            Expect.equal (RandomArchitecture.Sample(-1).Name) "g-relu-d8-nobn-f32_d-softplus-d20-nobn-f128" "negative seed"
            let all = [ for s in 0..499 -> RandomArchitecture.Sample s ]
            let reaches (choices: seq<'a>) (pick: RandomArchitecture -> 'a) what =
                Expect.equal (all |> Seq.map pick |> Set.ofSeq) (Set.ofSeq choices) what
            reaches RandomArchitecture.Nonlinearities (fun a -> a.GeneratorNonlinearity) "G nonlinearity"
            reaches RandomArchitecture.Nonlinearities (fun a -> a.CriticNonlinearity) "D nonlinearity"
            reaches RandomArchitecture.Depths (fun a -> a.GeneratorDepth) "G depth"
            reaches RandomArchitecture.Depths (fun a -> a.CriticDepth) "D depth"
            reaches [ true; false ] (fun a -> a.GeneratorBatchNorm) "G batch norm"
            reaches [ true; false ] (fun a -> a.CriticNormalized) "D normalised"
            reaches RandomArchitecture.Filters (fun a -> a.GeneratorFilters) "G filters"
            reaches RandomArchitecture.Filters (fun a -> a.CriticFilters) "D filters"
            Expect.isGreaterThan (all |> List.distinct |> List.length) 400 "mostly distinct draws (4·4·2·3 squared = 9,216 records)"
        }

        test "random architectures: depth is the number of weight layers, extra 3x3 convs spread over 4, 8 and 16 (our realisation)" {
            Expect.sequenceEqual (Dcgan32Depth.ExtraConvs 4) [| 0; 0; 0 |] "depth 4: the backbone"
            Expect.sequenceEqual (Dcgan32Depth.ExtraConvs 8) [| 2; 1; 1 |] "depth 8"
            Expect.sequenceEqual (Dcgan32Depth.ExtraConvs 12) [| 3; 3; 2 |] "depth 12"
            Expect.sequenceEqual (Dcgan32Depth.ExtraConvs 20) [| 6; 5; 5 |] "depth 20"
            throwsWith<System.ArgumentException> "at least 4" (fun () -> Dcgan32Depth.ExtraConvs 3 |> ignore)
            for depth in RandomArchitecture.Depths do
                use g = new RandomArchGenerator(Nonlinearity.Softplus, depth, 8, Normaliser.Batch, 16)
                use d = new RandomArchCritic(Nonlinearity.Tanh, depth, 8, Normaliser.Layer)
                Expect.equal (weightLayers g) depth $"G depth {depth}"
                Expect.equal (weightLayers d) depth $"D depth {depth}"
                use x = g.call (torch.randn(2L, 16L))
                Expect.sequenceEqual x.shape [| 2L; 3L; 32L; 32L |] $"G depth {depth}: 32 × 32 × 3"
                Expect.sequenceEqual (d.call x).shape [| 2L; 1L |] $"D depth {depth}: one value"
            // The sampled records themselves, at their sampled sizes.
            for seed in 0..5 do
                let a = RandomArchitecture.Sample seed
                use g = a.NewGenerator()
                use d = a.NewCritic((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.RandomArch a) Methods.WganGp.Constraint).Critic)
                Expect.equal (weightLayers g) a.GeneratorDepth $"{a}: G"
                Expect.equal (weightLayers d) a.CriticDepth $"{a}: D"
        }

        test "random architecture at depth 4, ReLU / LeakyReLU, batch norm, 128 filters is gan_cifar.py's pair (parameter counts)" {
            use g = new RandomArchGenerator(Nonlinearity.Relu, 4, 128, Normaliser.Batch)
            use d = new RandomArchCritic(Nonlinearity.LeakyRelu, 4, 128, Normaliser.Batch)
            use dNone = new RandomArchCritic(Nonlinearity.LeakyRelu, 4, 128, Normaliser.None)
            Expect.equal (parameterCount g) 5_179_907L "as CifarDcganGenerator"
            Expect.equal (parameterCount d) 4_116_225L "as CifarDcganCritic with batch norm"
            Expect.equal (parameterCount dNone) 4_114_689L "as CifarDcganCritic without"
        }

        test "random architectures: the critic built for WGAN-GP has layer norm and no batch norm; weight decay and norms follow the record" {
            let a = RandomArchitecture(Nonlinearity.Relu, 8, true, 64, Nonlinearity.Tanh, 12, true, 32)
            Expect.equal a.Name "g-relu-d8-bn-f64_d-tanh-d12-bn-f32" "name"
            Expect.equal a.CriticWeightDecay 1e-3 "critic with a normaliser: weight decay 1e-3 (appendix B)"
            Expect.equal a.GeneratorNorm Normaliser.Batch "G batch norm"
            Expect.equal ((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.RandomArch a) Methods.WganGp.Constraint).Critic) Normaliser.Layer "layer norm instead for WGAN-GP"
            Expect.equal ((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.RandomArch a) Methods.Dcgan.Constraint).Critic) Normaliser.Batch "batch norm for the standard GAN"
            use gp = a.NewCritic((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.RandomArch a) Methods.WganGp.Constraint).Critic)
            Expect.isTrue (hasModule<Modules.GroupNorm> gp && not (hasModule<Modules.BatchNorm> gp)) "GP critic: layer norm only"
            Methods.WganGp.Constraint.Validate gp
            use dc = a.NewCritic((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.RandomArch a) Methods.Dcgan.Constraint).Critic)
            Expect.isTrue (hasModule<Modules.BatchNorm2d> dc) "DCGAN critic: batch norm"
            let plain = RandomArchitecture(Nonlinearity.Relu, 8, false, 64, Nonlinearity.Tanh, 12, false, 32)
            Expect.equal plain.CriticWeightDecay 0.0 "no normaliser, no weight decay"
            use none = plain.NewCritic((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.RandomArch plain) Methods.Dcgan.Constraint).Critic)
            Expect.isFalse (hasModule<Modules.BatchNorm> none || hasModule<Modules.GroupNorm> none) "unnormalised critic"
            use g = plain.NewGenerator()
            Expect.isFalse (hasModule<Modules.BatchNorm> g) "unnormalised generator"
            throwsWith<System.ArgumentException> "layer norm" (fun () -> (new RandomArchGenerator(Nonlinearity.Relu, 4, 4, Normaliser.Layer, 4)).Dispose())
        }

        test "nonlinearities: ReLU, LeakyReLU(0.2), softplus(2x + 2)/2 − 1, tanh" {
            use x = torch.tensor([| -3.0; -1.0; 0.0; 0.5; 2.0 |], dtype = torch.float64)
            let values (n: Nonlinearity) = (n.Apply x).data<float>().ToArray()
            let expected f = [| for v in [ -3.0; -1.0; 0.0; 0.5; 2.0 ] -> f v |]
            let near (a: float[]) (b: float[]) what = Array.iter2 (fun e v -> close 1e-12 e v what) a b
            near (expected (max 0.0)) (values Nonlinearity.Relu) "relu"
            near (expected (fun v -> if v > 0.0 then v else 0.2 * v)) (values Nonlinearity.LeakyRelu) "lrelu"
            near (expected (fun v -> log (1.0 + exp (2.0 * v + 2.0)) / 2.0 - 1.0)) (values Nonlinearity.Softplus) "softplus"
            near (expected tanh) (values Nonlinearity.Tanh) "tanh"
        }

        test "one training step of gan_cifar.py's pair (small) under each of the four methods" {
            use images = randomImages 3L 32L
            trainsUnderEachMethod 16
                (fun () -> new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne) :> IBatchSource)
                (fun _ -> new CifarDcganGenerator(16, 8) :> Module)
                (fun m -> new CifarDcganCritic(8, (WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.CifarDcgan(3, 1.0)) m.Constraint).Critic) :> Module)
        }

        test "one training step of gan_mnist.py's pair (small) under each of the four methods" {
            use images = randomImages 1L 28L
            trainsUnderEachMethod 16
                (fun () -> new ShuffledBatches(images, 0L, PixelScaling.ZeroOne) :> IBatchSource)
                (fun m -> new MnistDcganGenerator(16, 8, (WganGp.Experiments.Cells.normalisers WganGp.Experiments.Dsl.MnistDcgan m.Constraint).Critic) :> Module)
                (fun m -> new MnistDcganCritic(8, (WganGp.Experiments.Cells.normalisers WganGp.Experiments.Dsl.MnistDcgan m.Constraint).Critic) :> Module)
        }

        test "one training step of the language model (small, random one-hot data) under each of the four methods" {
            trainsUnderEachMethod 16
                (fun () -> RandomOneHot(8, 12) :> IBatchSource)
                (fun _ -> new LanguageGenerator(12, 8, 16, 16, 2) :> Module)
                (fun _ -> new LanguageCritic(12, 8, 16, 2) :> Module)
        }

        test "one training step of a random architecture (small, normalised, depth 8) under each of the four methods" {
            use images = randomImages 3L 32L
            let a = RandomArchitecture(Nonlinearity.Softplus, 8, true, 8, Nonlinearity.LeakyRelu, 8, true, 8)
            trainsUnderEachMethod 16
                (fun () -> new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne) :> IBatchSource)
                (fun _ -> a.NewGenerator 16 :> Module)
                (fun m -> a.NewCritic((WganGp.Experiments.Cells.normalisers (WganGp.Experiments.Dsl.RandomArch a) m.Constraint).Critic) :> Module)
        }
    ]
