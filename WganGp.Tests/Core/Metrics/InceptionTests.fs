module WganGp.Tests.InceptionTests

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.IO.Compression
open System.Text.Json
open System.Text.RegularExpressions
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Core.Metrics.Inception
open WganGp.Tests.Support

// The port is checked against a PyTorch reference built at test time (spec §4): make_inception_reference.py builds
// torchvision's Inception3 with the FID blocks, calibrates and perturbs batch norm, and writes its weights, inputs
// and outputs. Nothing here is a hard-coded figure except the spec's parameter counts.

/// The generator of the reference files, copied beside the test binary (see WganGp.Tests.fsproj).
let private script = Path.Combine(AppContext.BaseDirectory, "scripts", "make_inception_reference.py")

/// Runs a program to completion: Ok (exit code, stdout + stderr), or Error when it cannot start.
let private run (exe: string) (args: string list) =
    let info = ProcessStartInfo(exe, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true)
    for a in args do info.ArgumentList.Add a
    try
        use p = Process.Start info |> nonNull
        let stderr = p.StandardError.ReadToEndAsync()
        let stdout = p.StandardOutput.ReadToEnd()
        p.WaitForExit()
        Ok(p.ExitCode, (stdout + stderr.Result).Trim())
    with e -> Error e.Message

/// The reference directory, written once per test run (about 95 MB of weights plus the arrays), deleted at exit.
let private reference =
    lazy
        (let python = "/usr/bin/python3"
         match run python [ "-c"; "import torch, torchvision, numpy" ] with
         | Ok(0, _) -> ()
         | Ok(_, err) | Error err ->
             failwith $"the Inception tests build their reference with Debian's PyTorch, and {python} cannot import it (apt-get install python3-torch python3-torchvision libopenblas0-pthread): {err}"
         let dir = Path.Combine(Path.GetTempPath(), "wgangp-inception-" + Guid.NewGuid().ToString("N"))
         Directory.CreateDirectory dir |> ignore
         AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> try Directory.Delete(dir, true) with _ -> ())
         match run python [ script; dir ] with
         | Ok(0, _) -> dir
         | Ok(code, output) -> failwith $"{script} exited with code {code}: {output}"
         | Error e -> failwith $"{script} did not start: {e}")

let private file name = Path.Combine(reference.Value, name)

let private meta = lazy (JsonDocument.Parse(File.ReadAllText(file "meta.json")).RootElement)

/// Reads a .npy file (C order; little-endian float32, float64 or uint8) as a CPU tensor.
let private npy (name: string) =
    let path = file (name + ".npy")
    let bytes = File.ReadAllBytes path
    if bytes.Length < 10 || bytes[0] <> 0x93uy || Text.Encoding.ASCII.GetString(bytes, 1, 5) <> "NUMPY" then
        failwith $"{path} is not a .npy file"
    let headerLength, start =
        if bytes[6] = 1uy then int (BitConverter.ToUInt16(bytes, 8)), 10 else int (BitConverter.ToUInt32(bytes, 8)), 12
    let header = Text.Encoding.ASCII.GetString(bytes, start, headerLength)
    let field (pattern: string) =
        let m = Regex.Match(header, pattern)
        if m.Success then m.Groups[1].Value else failwith $"{path}: header without {pattern}: {header}"
    if field @"'fortran_order': (\w+)" <> "False" then failwith $"{path}: Fortran order"
    let shape =
        (field @"'shape': \(([^)]*)\)").Split(',', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
        |> Array.map int64
    let offset = start + headerLength
    let payload = bytes.Length - offset
    let flat =
        match field @"'descr': '([^']+)'" with
        | "<f4" ->
            let a = Array.zeroCreate<float32> (payload / 4)
            Buffer.BlockCopy(bytes, offset, a, 0, payload)
            torch.tensor a
        | "<f8" ->
            let a = Array.zeroCreate<float> (payload / 8)
            Buffer.BlockCopy(bytes, offset, a, 0, payload)
            torch.tensor a
        | "|u1" -> torch.tensor bytes[offset..]
        | d -> failwith $"{path}: unsupported dtype {d}"
    flat.reshape shape

/// max|Δ| ≤ relative·(max|ref| + 0.01), with the shapes equal; the message names what was compared.
let private expectWithin (relative: float) (what: string) (expected: torch.Tensor) (actual: torch.Tensor) =
    Expect.sequenceEqual actual.shape expected.shape $"{what}: shape"
    let e = expected.``to``(torch.float64)
    let refMax = e.abs().max().ToDouble()
    let dev = (actual.cpu().``to``(torch.float64) - e).abs().max().ToDouble()
    let tolerance = relative * (refMax + 0.01)
    if not (dev <= tolerance) then
        failwith $"{what}: max|Δ| = {dev:g4} > {tolerance:g4} (max|ref| = {refMax:g4}, relative {dev / refMax:g3})"

/// The spec's float32 tolerance (§4.3): max|Δ| ≤ 1e-4·max|ref| + 1e-6.
let private expectClose = expectWithin 1e-4

/// max|Δ| between two tensors, as float64.
let private deviation (a: torch.Tensor) (b: torch.Tensor) =
    (a.cpu().``to``(torch.float64) - b.cpu().``to``(torch.float64)).abs().max().ToDouble()

let private weights () = file "weights.pth"

let private fid = lazy (InceptionV3.Load(weights (), InceptionFlavour.Fid))

let private torchvision = lazy (InceptionV3.Load(weights (), InceptionFlavour.Torchvision, 1008))

let private inFloat64 (net: InceptionV3) = net.``to``(torch.float64)

let private fid64 = lazy (inFloat64 (InceptionV3.Load(weights (), InceptionFlavour.Fid)))

let private torchvision64 = lazy (inFloat64 (InceptionV3.Load(weights (), InceptionFlavour.Torchvision, 1008)))

/// An extractor over a shared network. Not disposed: that would dispose the network the other tests use.
let private extractor (net: InceptionV3) resize withBias =
    new InceptionExtractor(net, InceptionExtractorOptions(resize, withBias, 50))

/// Reference images (uint8) as [0, 1] floats, which quantise back to exactly the same bytes.
let private zeroOne (name: string) = npy(name).``to``(torch.float32) / 255.0f

let private stageNames =
    [ "Conv2d_1a_3x3"; "Conv2d_2a_3x3"; "Conv2d_2b_3x3"; "maxpool1"; "Conv2d_3b_1x1"; "Conv2d_4a_3x3"; "maxpool2"
      "Mixed_5b"; "Mixed_5c"; "Mixed_5d"; "Mixed_6a"; "Mixed_6b"; "Mixed_6c"; "Mixed_6d"; "Mixed_6e"; "Mixed_7a"
      "Mixed_7b"; "Mixed_7c" ]

let private stage (net: InceptionV3) name =
    net.Stages |> Seq.pick (fun struct (n, s) -> if n = name then Some s else None)

/// Fails unless loading `path` as `flavour` throws an InvalidDataException naming the file and each of `texts`.
let private refused (path: string) flavour (texts: string list) =
    let message =
        try
            use _ = InceptionV3.Load(path, flavour)
            "loaded without error"
        with :? InvalidDataException as e -> e.Message
    for t in path :: texts do
        Expect.stringContains message t $"the error names '{t}'"

let private keysAndShapes (entries: (string * int64[]) seq) =
    entries |> Seq.map (fun (k, s) -> k, String.Join(",", s)) |> Seq.sort |> List.ofSeq

let tests =
    testList "Inception" [
        test "our state_dict has PyTorch's keys and shapes, and the spec's parameter counts" {
            use net = new InceptionV3(InceptionFlavour.Fid)
            let ours = net.state_dict() |> Seq.map (fun kv -> kv.Key, kv.Value.shape) |> keysAndShapes
            let theirs =
                meta.Value.GetProperty("keys").EnumerateArray()
                |> Seq.map (fun e -> e[0].GetString() |> nonNull, [| for d in e[1].EnumerateArray() -> d.GetInt64() |])
                |> keysAndShapes
            Expect.sequenceEqual ours theirs "the FID network's state_dict keys and shapes"
            Expect.equal ours.Length 566 "94 BasicConv2d × 6 + fc.weight + fc.bias"
            let total = parameterCount net
            Expect.equal total (meta.Value.GetProperty("fid_parameters").GetInt64()) "as PyTorch counts them"
            Expect.equal total 23_850_960L "the spec's FID count"
            Expect.equal (total - parameterCount net.Fc) 21_785_568L "the spec's backbone count"
            Expect.equal (meta.Value.GetProperty("fid_backbone_parameters").GetInt64()) 21_785_568L "PyTorch's backbone count"
            use withAux = new InceptionV3(InceptionFlavour.Torchvision, auxLogits = true)
            Expect.equal (parameterCount withAux) (meta.Value.GetProperty("torchvision_aux_1000_parameters").GetInt64())
                "torchvision with AuxLogits and 1000 classes"
            Expect.equal (parameterCount withAux) 27_161_264L "torchvision's metadata count"
            Expect.sequenceEqual [ for struct (n, _) in net.Stages -> n ]
                [ for s in meta.Value.GetProperty("stages").EnumerateArray() -> s.GetString() |> nonNull ] "the stages, in order"
        }

        test "TF1 bilinear resize to 299 matches the formula's reference (square and 40×28 inputs)" {
            use _ = torch.NewDisposeScope()
            for name in [ "32"; "rect" ] do
                let img = npy($"img{name}").``to``(torch.float32)
                expectClose $"TF1 resize of img{name}" (npy $"resize_tf1_{name}") (InceptionInput.Tf1Bilinear(img, 299L, 299L))
            // src = dst·in/out without the half-pixel offset: output pixel 0 is input pixel 0, and same size is identity.
            let img = npy("imgrect").``to``(torch.float32)
            let resized = InceptionInput.Tf1Bilinear(img, 80L, 56L)
            Expect.equal (deviation (resized.index([| torch.TensorIndex.Colon; torch.TensorIndex.Colon; torch.TensorIndex.Slice(0L, 80L, 2L); torch.TensorIndex.Slice(0L, 56L, 2L) |])) img) 0.0
                "an exact 2× upscale keeps every input pixel at even positions"
            Expect.equal (deviation (InceptionInput.Tf1Bilinear(img, 40L, 28L)) img) 0.0 "same size: identity"
        }

        test "PyTorch bilinear resize to 299 matches F.interpolate (square and 40×28 inputs)" {
            use _ = torch.NewDisposeScope()
            for name in [ "32"; "rect" ] do
                expectClose $"PyTorch resize of img{name}" (npy $"resize_pt_{name}")
                    (InceptionInput.PyTorchBilinear(zeroOne $"img{name}", 299L, 299L))
        }

        testList "FID stages, each on the reference output of the stage before" [
            for i, name in List.indexed stageNames ->
                test name {
                    use _ = torch.NewDisposeScope()
                    use _ = torch.no_grad()
                    let input = if i = 0 then npy "x299" else npy $"stage_{stageNames[i - 1]}"
                    expectClose name (npy $"stage_{name}") ((stage fid.Value name).call input)
                }
        ]

        test "the network inputs of both paths match the reference's" {
            use _ = torch.NewDisposeScope()
            for name, image, resize in
                [ "x299", "img299", InceptionResize.Tf1Bilinear
                  "x_tf32", "img32", InceptionResize.Tf1Bilinear
                  "x_pt32", "img32", InceptionResize.PyTorchBilinear ] do
                let prepared = InceptionInput.Prepare(npy image, resize)
                Expect.equal prepared.dtype torch.float32 "float32 by default"
                expectClose name (npy name) prepared
        }

        testList "FID taps in float32" [
            // The TF path resizes exactly alike on both sides, so it runs through the extractor. On the pytorch-fid
            // path libtorch's and torch 1.13's bilinear kernels differ by ~2e-6 (checked above), which this random
            // network amplifies ~100× by pool3; so there the network gets the reference's input, and the float64
            // tests below cover the whole path.
            for input, resize, image in [ "tf299", InceptionResize.Tf1Bilinear, "img299"; "tf32", InceptionResize.Tf1Bilinear, "img32" ] do
                yield test input {
                    use _ = torch.NewDisposeScope()
                    use taps = (extractor fid.Value resize false).Taps(zeroOne image, PixelScaling.ZeroOne)
                    for name, value in taps.Named do
                        expectClose $"{input} {name}" (npy $"taps_fid_{input}_{name}") value
                }
            yield test "pt32, from the reference's input" {
                use _ = torch.NewDisposeScope()
                use _ = torch.no_grad()
                use taps = fid.Value.call (npy "x_pt32")
                for name, value in taps.Named do
                    expectClose $"pt32 {name}" (npy $"taps_fid_pt32_{name}") value
            }
        ]

        testList "both flavours in float64 throughout, inputs prepared by us" [
            for flavour, net, input, resize in
                [ "fid", fid64, "tf32", InceptionResize.Tf1Bilinear
                  "fid", fid64, "pt32", InceptionResize.PyTorchBilinear
                  "tv", torchvision64, "tf32", InceptionResize.Tf1Bilinear ] ->
                    test $"{flavour} {input}" {
                        use _ = torch.NewDisposeScope()
                        use _ = torch.no_grad()
                        use taps = net.Value.call (InceptionInput.Prepare(npy "img32", resize, torch.float64))
                        for name, value in taps.Named do
                            Expect.equal value.dtype torch.float64 "float64 throughout"
                            expectWithin 1e-9 $"{flavour} {input} {name}" (npy $"taps64_{flavour}_{input}_{name}") value
                    }
        ]

        test "Extract gives pool3 and the unbiased logits in float64, or the logits with bias when asked" {
            use _ = torch.NewDisposeScope()
            let images = zeroOne "img32"
            let plain = extractor fid.Value InceptionResize.Tf1Bilinear false
            let struct (features, logits) = plain.Extract(images, PixelScaling.ZeroOne)
            Expect.equal (features.dtype, logits.dtype) (torch.float64, torch.float64) "float64"
            Expect.sequenceEqual features.shape [| 2L; 2048L |] "features [N, 2048]"
            Expect.sequenceEqual logits.shape [| 2L; 1008L |] "all 1008 logits"
            expectClose "features" (npy "taps_fid_tf32_pool3") features
            expectClose "unbiased logits" (npy "taps_fid_tf32_logits_unbiased") logits
            let biased = extractor fid.Value InceptionResize.Tf1Bilinear true
            let struct (_, withBias) = biased.Extract(images, PixelScaling.ZeroOne)
            expectClose "logits with bias" (npy "taps_fid_tf32_logits") withBias
            Expect.isGreaterThan (deviation withBias logits) 0.1 "the bias changes the logits"
            Expect.equal (plain.Backbone, plain.FeatureLayer, plain.Resize, plain.Logits, plain.FeatureDim, plain.Classes)
                ("inception-v3-fid", "pool3", "tf1-bilinear-299", "unbiased", 2048, 1008) "names"
            Expect.equal (biased.Logits, (extractor fid.Value InceptionResize.PyTorchBilinear false).Resize)
                ("with-bias", "pytorch-bilinear-299") "the options' names"
            Expect.equal plain.WeightsHash (meta.Value.GetProperty("sha256").GetString() |> nonNull) "SHA-256 of the weight file, as hashlib computes it"
            Expect.equal plain.Protocol["weights_sha256"] plain.WeightsHash "the protocol records the hash"
        }

        test "batches, generator-range and grey images give the features of the same pixels" {
            use _ = torch.NewDisposeScope()
            let bytes = npy("img32").``to``(torch.float32)
            let ext = new InceptionExtractor(fid.Value, InceptionExtractorOptions(BatchSize = 1))
            let struct (whole, _) = (extractor fid.Value InceptionResize.Tf1Bilinear false).Extract(bytes / 255.0f, PixelScaling.ZeroOne)
            let struct (oneByOne, _) = ext.Extract(bytes / 255.0f, PixelScaling.ZeroOne)
            Expect.isLessThan (deviation whole oneByOne) (1e-5 * whole.abs().max().ToDouble()) "batch size does not change features"
            let struct (tanhRange, _) = ext.Extract(bytes / 127.5f - 1.0f, PixelScaling.MinusOneOne)
            Expect.equal (deviation oneByOne tanhRange) 0.0 "[−1, 1] images quantise to the same pixels"
            let grey = bytes.narrow(1L, 0L, 1L)
            let struct (fromGrey, _) = ext.Extract(grey / 255.0f, PixelScaling.ZeroOne)
            let struct (fromRgb, _) = ext.Extract(grey.expand(-1L, 3L, -1L, -1L) / 255.0f, PixelScaling.ZeroOne)
            Expect.equal (deviation fromGrey fromRgb) 0.0 "grey is replicated to three channels"
        }

        test "quantisation inverts each pixel scaling for all 256 levels and clamps" {
            use _ = torch.NewDisposeScope()
            let levels = torch.arange(256L, dtype = torch.uint8).reshape(1L, 1L, 16L, 16L)
            for scaling in [ PixelScaling.ZeroOne; PixelScaling.MinusOneOne ] do
                let back = Quantisation.ToBytes(Pixels.Scale(levels, scaling), scaling)
                Expect.equal (deviation back levels) 0.0 $"{scaling}"
            for noise in [ 0.0f; 0.999f ] do
                // dequantised level b lies in [b/128 − 1, (b+1)/128 − 1); either end of the interval maps back to b
                let x = levels.``to``(torch.float32) / 128.0f - 1.0f + noise / 128.0f
                Expect.equal (deviation (Quantisation.ToBytes(x, PixelScaling.MinusOneOneDequantized)) levels) 0.0 $"dequantised, noise {noise}"
            let outside = torch.tensor([| -1.5f; 2.0f |]).reshape(1L, 1L, 1L, 2L)
            Expect.sequenceEqual (Quantisation.ToBytes(outside, PixelScaling.MinusOneOne).data<byte>().ToArray()) [| 0uy; 255uy |] "clamped"
            throwsWith<ArgumentException> "NaN" (fun () ->
                Quantisation.ToBytes(torch.tensor([| nan |]).reshape(1L, 1L, 1L, 1L), PixelScaling.ZeroOne) |> ignore)
        }

        test "the torchvision flavour matches its own reference and differs from the FID one" {
            use _ = torch.NewDisposeScope()
            use _ = torch.no_grad()
            use taps = torchvision.Value.call (npy "x299")
            for name, value in taps.Named do
                expectClose $"torchvision {name}" (npy $"taps_tv_tf299_{name}") value
            let fidPool3 = npy "taps_fid_tf299_pool3"
            let tolerance = 1e-4 * fidPool3.abs().max().ToDouble() + 1e-6
            Expect.isGreaterThan (deviation taps.Pool3 fidPool3) (100.0 * tolerance) "the pools make the flavours differ"
            use viaExtractor = (extractor torchvision.Value InceptionResize.Tf1Bilinear false).Taps(zeroOne "img299", PixelScaling.ZeroOne)
            expectClose "torchvision pool3 through the extractor" (npy "taps_tv_tf299_pool3") viaExtractor.Pool3
            Expect.equal (extractor torchvision.Value InceptionResize.Tf1Bilinear false).Backbone "inception-v3-torchvision" "backbone"
        }

        test "a file without one key fails naming it; num_batches_tracked may be absent" {
            refused (file "missing.pth") InceptionFlavour.Fid [ "missing keys"; "Mixed_6e.branch_pool.bn.running_var" ]
            use lean = InceptionV3.Load(file "lean.pth", InceptionFlavour.Fid)
            let counters = [ for kv in lean.state_dict() do if kv.Key.EndsWith ".num_batches_tracked" then kv.Key ]
            Expect.equal counters.Length 94 "one counter per batch norm, kept at its initial value"
            Expect.equal (deviation lean.Fc.weight fid.Value.Fc.weight) 0.0 "the weights loaded"
        }

        test "AuxLogits load in the torchvision flavour and are refused in the FID one; shapes are checked" {
            use aux = InceptionV3.Load(file "aux.pth", InceptionFlavour.Torchvision, 1008)
            Expect.isTrue aux.HasAuxLogits "AuxLogits loaded"
            Expect.equal (deviation aux.Fc.weight fid.Value.Fc.weight) 0.0 "the other weights loaded"
            refused (file "aux.pth") InceptionFlavour.Fid [ "unexpected keys"; "AuxLogits." ]
            refused (file "fc1000.pth") InceptionFlavour.Fid [ "fc.weight: file [1000, 2048], expected [1008, 2048]" ]
            use thousand = InceptionV3.Load(file "fc1000.pth", InceptionFlavour.Torchvision)
            Expect.equal thousand.Classes 1000 "torchvision's default class count"
        }

        test "legacy pickles, other files and zips without a state_dict fail clearly" {
            refused (file "legacy.pth") InceptionFlavour.Fid [ "legacy (non-zip) torch.save pickle"; "re-save it with torch ≥ 1.6" ]
            inTempDir (fun dir ->
                let text = Path.Combine(dir, "notes.pth")
                File.WriteAllText(text, "not weights")
                refused text InceptionFlavour.Fid [ "not a zip file" ]
                let zip = Path.Combine(dir, "other.zip")
                do
                    use archive = ZipFile.Open(zip, ZipArchiveMode.Create)
                    use writer = new StreamWriter(archive.CreateEntry("readme.txt").Open())
                    writer.Write "hello"
                refused zip InceptionFlavour.Fid [ "not a readable PyTorch state_dict" ]
                throwsWith<FileNotFoundException> "absent.pth" (fun () -> InceptionV3.Load(Path.Combine(dir, "absent.pth"), InceptionFlavour.Fid) |> ignore))
        }

        test "the network refuses inputs it cannot take" {
            use _ = torch.NewDisposeScope()
            throwsWith<ArgumentException> "H, W ≥ 75" (fun () -> fid.Value.call (torch.zeros(1L, 3L, 74L, 80L)) |> ignore)
            throwsWith<ArgumentException> "Float64 input" (fun () -> fid.Value.call (torch.zeros(1L, 3L, 75L, 75L, dtype = torch.float64)) |> ignore)
            throwsWith<ArgumentException> "[N, 1 or 3, H, W]" (fun () ->
                (extractor fid.Value InceptionResize.Tf1Bilinear false).Extract(torch.zeros(1L, 2L, 32L, 32L), PixelScaling.ZeroOne) |> ignore)
            throwsWith<ArgumentException> "no AuxLogits" (fun () -> new InceptionV3(InceptionFlavour.Fid, auxLogits = true) |> ignore)
        }
    ]
