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
                     (fun () -> Figure2.Critic(v, Normaliser.Layer, 16, 1, 8)) 16
      yield! WganGp.Experiments.Doctor.shapesOfNetworks (fun () -> new CifarResNetGenerator(true, 128, 16))
                 (fun () -> new CifarResNetCritic(true, 16)) 128
      yield! WganGp.Experiments.Doctor.shapesOfNetworks (fun () -> Figure2.Generator(Figure2Variant.ResNet101, 32, 1, 8))
                 (fun () -> Figure2.Critic(Figure2Variant.ResNet101, Normaliser.Layer, 32, 1, 8)) 128 ]
    |> List.distinct

/// Runs `f` with the route forced to `mode`, then puts the process's own decision back.
let private withRoute (mode: ConvRouteMode) (f: unit -> 'a) =
    let before = ConvRoute.Mode
    ConvRoute.Use mode
    try f () finally ConvRoute.Use before

/// One seeded WGAN-GP run of a pair after memory has been poisoned; its status and final samples.
let private seededRun (config: unit -> TrainConfig) =
    NumericsCanary.PoisonFreedMemory()
    use result = Trainer.Run(config ())
    result.Status, (match result.Samples with null -> [||] | s -> s.data<float32>().ToArray())

/// A one-cell grid on the real Fashion-MNIST: the DCGAN pair at width 1/8 (DIM 8), two generator iterations.
let private routeScript =
    """open WganGp.Experiments
open WganGp.Experiments.Dsl

let cell =
    { Grid.named "route" with
        Datasets = [ Real Datasets.fashionMnist32 ]
        Architectures = [ Figure2(WganGp.Core.Nets.Figure2Variant.Dcgan, 32, 1, 0.125) ]
        Methods = [ Paper.wganGp ]
        Iterations = 2
        BatchSize = 8
        SampleCount = 8 }

let experiment = { Experiment.named "route" with Grids = [ cell ] }
"""

/// `dotnet wgangp.dll args` in `dir` with this machine's convolution checks kept in `cache`; exit code and output.
let private wgangpWithCache (dir: string) (cache: string) (args: string list) =
    let host = System.Environment.GetEnvironmentVariable "DOTNET_HOST_PATH" |> Option.ofObj |> Option.defaultValue "dotnet"
    let info = System.Diagnostics.ProcessStartInfo(host, wgangpDll :: args, UseShellExecute = false, WorkingDirectory = dir,
                                                   RedirectStandardOutput = true, RedirectStandardError = true)
    info.Environment[ConvCheckCache.FolderVariable] <- cache
    info.Environment.Remove ConvRoute.ModeVariable |> ignore
    use p = System.Diagnostics.Process.Start info |> nonNull
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit(System.TimeSpan.FromMinutes 3.0)) then p.Kill true
    p.WaitForExit()
    p.ExitCode, out.Result + err.Result

/// Rewrites the one cache file in `cache`: the verdict of the shape whose text is `shape` made wrong as libtorch
/// computes it, and right (or not) routed — as a machine with that fault would have recorded it.
let private fault (cache: string) (shape: string) (rightRouted: bool) =
    let file = Directory.GetFiles(cache, "conv-checks-*.json") |> Array.exactlyOne
    let root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText file) |> nonNull
    let verdicts = root.["verdicts"] |> nonNull
    let mutable found = false
    for v in verdicts.AsArray() do
        let v = nonNull v
        let options = JsonSerializerOptions(PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower)
        let s = JsonSerializer.Deserialize<ConvShape>((nonNull v.["shape"]).ToJsonString(), options)
        if string s = shape then
            found <- true
            let unrouted = v.["unrouted"] |> nonNull
            unrouted.["wrong_trials"] <- System.Text.Json.Nodes.JsonValue.Create 2
            unrouted.["input_gradient"] <- System.Text.Json.Nodes.JsonValue.Create 0.37
            let routed = unrouted.DeepClone()
            routed.["routed"] <- System.Text.Json.Nodes.JsonValue.Create true
            if rightRouted then
                routed.["wrong_trials"] <- System.Text.Json.Nodes.JsonValue.Create 0
                routed.["input_gradient"] <- System.Text.Json.Nodes.JsonValue.Create 3e-7
            v.["routed"] <- routed
    if not found then failtestf "%s is not in %s" shape file
    File.WriteAllText(file, root.ToJsonString())

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
                            System.Func<_>(fun () -> Figure2.Critic(Figure2Variant.NoNormConstantFilters, Normaliser.Layer, 16, 1, 8)),
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

        test "deciding a run's shapes (throwaway networks, checks) does not move torch's global random stream" {
            torch.manual_seed 11L |> ignore
            let expected = torch.randn(4L).data<float32>().ToArray()
            torch.manual_seed 11L |> ignore
            let shapes =
                NetworkShapes.Of(System.Func<_>(fun () -> Figure2.Generator(Figure2Variant.Dcgan, 16, 1, 8, 16)),
                                 System.Func<_>(fun () -> Figure2.Critic(Figure2Variant.Dcgan, Normaliser.Layer, 16, 1, 8)), 16)
            Expect.isGreaterThan shapes.Count 2 "the pair's convolutions were recorded"
            ConvRoute.Check(Seq.append shapes NumericsCanary.Sentinels, fresh = true) |> ignore
            Expect.sequenceEqual (torch.randn(4L).data<float32>().ToArray()) expected "same draws after the decision"
        }

        test "settings.json records the CPU's identity and every convolution shape of the run with its verdict" {
            inTempDir (fun dir ->
                let images = new LabelledImages("random", torch.randint(0L, 256L, [| 16L; 1L; 16L; 16L |]).``to``(torch.ScalarType.Byte), torch.zeros(16L, dtype = torch.int64))
                let generator = System.Func<_>(fun () -> Figure2.Generator(Figure2Variant.Dcgan, 16, 1, 8, 16))
                let critic = System.Func<_>(fun () -> Figure2.Critic(Figure2Variant.Dcgan, Normaliser.Layer, 16, 1, 8))
                let config = TrainConfig(generator, critic, 16, new ShuffledBatches(images, 0L, PixelScaling.MinusOneOne), Methods.WganGp, 1, 8, 0L, RunDirectory = dir)
                use _ = Trainer.Run config
                use doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, RunFiles.Settings)))
                let numerics = doc.RootElement.GetProperty "numerics"
                Expect.equal (numerics.GetProperty("isa").GetString()) CpuFeatures.Current.Isa "isa"
                for field, value in [ "cpu_family", CpuFeatures.Current.Family; "cpu_model", CpuFeatures.Current.ModelNumber
                                      "cpu_stepping", CpuFeatures.Current.Stepping; "microcode", CpuFeatures.Current.Microcode ] do
                    Expect.equal (numerics.GetProperty(field).GetString()) value field
                let route = numerics.GetProperty "conv_route"
                let recorded = [ for s in route.GetProperty("shapes").EnumerateArray() -> s.GetProperty("shape").GetString() |> nonNull, s.GetProperty("verdict").GetString() |> nonNull ]
                let used = NetworkShapes.Of(generator, critic, 16) |> Seq.map string |> Set.ofSeq
                Expect.equal (recorded |> List.map fst |> Set.ofList) used "every shape the networks call, once"
                for shape, verdict in recorded do
                    Expect.contains [ "right"; "routed" ] verdict $"{shape}: a verdict a run can train with"
                Expect.stringContains (route.GetProperty("summary").GetString() |> nonNull) $"numerics: {used.Count} convolution shapes" "the summary line")
        }

        test "a shape is routed exactly when this machine's verdict says libtorch computes it wrong; one wrong even routed is an error naming it" {
            inTempDir (fun cache ->
                let before = System.Environment.GetEnvironmentVariable ConvCheckCache.FolderVariable
                System.Environment.SetEnvironmentVariable(ConvCheckCache.FolderVariable, cache)
                try
                    // Shapes no network of the suite uses, so that this process has not decided them yet.
                    let faulty, hopeless = ConvShape(false, 24L, 40L, 3L, 1L, 1L, 7L, 7L), ConvShape(false, 24L, 40L, 3L, 1L, 1L, 5L, 5L)
                    let check shape routed wrong = ConvCheck(shape, routed, 2, wrong, (if wrong > 0 then 0.4 else 1e-7), 1e-7, 1e-7)
                    ConvCheckCache.ForThisMachine(ConvRoute.DefaultBatch).Save(
                        [ ConvVerdict(faulty, check faulty false 2, check faulty true 0)
                          ConvVerdict(hopeless, check hopeless false 2, check hopeless true 2) ]) |> ignore
                    Expect.isTrue (withRoute ConvRouteMode.Auto (fun () -> ConvRoute.Routes faulty)) "wrong in libtorch, right routed: routed"
                    throwsWith<System.InvalidOperationException> $"{hopeless}" (fun () -> withRoute ConvRouteMode.Auto (fun () -> ConvRoute.Routes hopeless) |> ignore)
                    let plain = ConvShape(false, 32L, 64L, 3L, 1L, 1L, 6L, 6L)
                    let verdict = ConvRoute.Check([ plain ]).Verdicts.[0]
                    Expect.equal (withRoute ConvRouteMode.Auto (fun () -> ConvRoute.Routes plain)) (not verdict.Unrouted.Ok) "checked here: routed only if wrong here"
                    Expect.isTrue (withRoute ConvRouteMode.On (fun () -> ConvRoute.Routes plain)) "forced on: routed"
                    Expect.isFalse (withRoute ConvRouteMode.Off (fun () -> ConvRoute.Routes faulty)) "forced off: never"
                finally System.Environment.SetEnvironmentVariable(ConvCheckCache.FolderVariable, before))
        }

        test "through the process: doctor and run share one decision per shape; a shape wrong in libtorch is routed and recorded, one wrong even routed stops the run naming it" {
            requireFashionMnist ()
            inTempDir (fun dir ->
                File.WriteAllText(Path.Combine(dir, "route.fsx"), routeScript)
                let cache = Path.Combine(dir, "cache")
                let code, first = wgangpWithCache dir cache [ "doctor"; "route.fsx" ]
                Expect.equal code 0 first
                let checkedShapes = System.Text.RegularExpressions.Regex.Match(first, @"(\d+) convolution shapes .*: checked (\d+) in")
                Expect.isTrue checkedShapes.Success $"doctor says how many shapes it checked and how long it took\n{first}"
                Expect.equal checkedShapes.Groups.[2].Value checkedShapes.Groups.[1].Value "a new machine: every shape checked"
                let code, again = wgangpWithCache dir cache [ "doctor"; "route.fsx" ]
                Expect.equal code 0 again
                Expect.stringContains again $"checked 0 in" "the second time every verdict comes from this machine's earlier checks"
                // The shapes as the run records them, from a plain run on this machine.
                let code, out = wgangpWithCache dir cache [ "run"; "route.fsx"; "--results"; "plain"; "--no-figures" ]
                Expect.equal code 0 out
                let settings (results: string) =
                    let runDir = runDirectories (Path.Combine(dir, results, "route")) |> Array.exactlyOne
                    use doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, RunFiles.Settings)))
                    [ for s in doc.RootElement.GetProperty("numerics").GetProperty("conv_route").GetProperty("shapes").EnumerateArray() ->
                          s.GetProperty("shape").GetString() |> nonNull, s.GetProperty("verdict").GetString() |> nonNull ]
                let shapes = settings "plain"
                // The critic's first conv reads the 1-channel image: as a machine with that fault has it.
                let target, _ = shapes |> List.find (fun (s, _) -> s.StartsWith "Conv2d(1 → ")
                fault cache target true
                let code, out = wgangpWithCache dir cache [ "run"; "route.fsx"; "--results"; "routed"; "--no-figures" ]
                Expect.equal code 0 out
                Expect.stringContains out $"numerics: {shapes.Length} convolution shapes, 1 routed around libtorch's wrong kernels" "said per cell"
                let recorded = settings "routed"
                Expect.equal (recorded |> List.filter (fun (_, v) -> v = "routed")) [ target, "routed" ] "only that shape is routed, and recorded so"
                Expect.equal (recorded |> List.map fst) (shapes |> List.map fst) "every shape recorded"
                let code, doctor = wgangpWithCache dir cache [ "doctor"; "route.fsx" ]
                Expect.equal code 0 doctor
                Expect.stringContains doctor $"routed {target}" "doctor reports the shape `run` routes"
                fault cache target false
                let code, out = wgangpWithCache dir cache [ "run"; "route.fsx"; "--results"; "wrong"; "--no-figures" ]
                Expect.equal code 1 out
                Expect.stringContains out $"{target}: libtorch's relative error 0.37" "the run stops, naming the shape and its error"
                Expect.stringContains out "ONEDNN_MAX_CPU_ISA=AVX2" "and what to try"
                let runDir = runDirectories (Path.Combine(dir, "wrong", "route")) |> Array.exactlyOne
                Expect.equal (WganGp.Experiments.RunDirectory.status runDir) RunStatus.Failed "the cell is recorded as failed"
                Expect.isFalse (File.Exists(Path.Combine(runDir, RunFiles.Log))) "nothing was trained"
                let code, doctor = wgangpWithCache dir cache [ "doctor"; "route.fsx" ]
                Expect.equal code 1 doctor
                Expect.stringContains doctor $"WRONG  {target}" "doctor names it too")
        }

        test "an unknown WGANGP_CONV_ROUTE value is an error naming it" {
            throwsWith<System.ArgumentException> "WGANGP_CONV_ROUTE=sometimes: expected auto, on or off" (fun () ->
                System.Environment.SetEnvironmentVariable(ConvRoute.ModeVariable, "sometimes")
                try ConvRoute.ModeFromEnvironment() |> ignore
                finally System.Environment.SetEnvironmentVariable(ConvRoute.ModeVariable, null))
        }
    ]
