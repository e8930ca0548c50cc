/// IS, FID and KID: analytic cases, error messages, the .npz format, and a cross-check against numpy/scipy
/// (scripts/metric_reference.py, run at test time with Debian's python3).
module WganGp.Tests.MetricTests

open System
open System.Diagnostics
open System.IO
open System.IO.Compression
open System.Text
open System.Text.Json
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Tests.Support

// ------------------------------------------------------------------------------------------------- reference script

let private script = Path.Combine(AppContext.BaseDirectory, "scripts", "metric_reference.py")
let private python = "/usr/bin/python3"

/// Runs the reference script; its stdout, or a failure with its stderr.
let private runScript (args: string list) =
    let info = ProcessStartInfo(python, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true)
    info.ArgumentList.Add script
    for a in args do info.ArgumentList.Add a
    let p =
        try Process.Start info |> nonNull
        with e -> failwith $"cannot start {python} for {script} (apt-get install python3-numpy python3-scipy): {e.Message}"
    use p = p
    let err = p.StandardError.ReadToEndAsync()
    let out = p.StandardOutput.ReadToEnd()
    p.WaitForExit()
    if p.ExitCode <> 0 then
        failwith $"{script} {String.Join(' ', args)} exited with {p.ExitCode} (it needs python3-numpy and python3-scipy): {err.Result.Trim()}"
    out

/// The script's inputs and results, made once per test run in a folder removed when the process exits.
let private reference =
    lazy
        (let dir = Path.Combine(Path.GetTempPath(), "wgangp-metric-reference-" + Guid.NewGuid().ToString("N"))
         AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> if Directory.Exists dir then Directory.Delete(dir, true))
         runScript [ "make"; dir ] |> ignore
         let json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))
         dir, json.RootElement)

let private input (name: JsonElement) =
    let dir, _ = reference.Value
    Npy.ReadTensor(Path.Combine(dir, name.GetString() |> nonNull))

let private relative (tolerance: float) (expected: float) (actual: float) what =
    let error = abs (actual - expected) / abs expected
    if not (error <= tolerance) then
        failwith $"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2} > {tolerance:E0})"

let private longs (e: JsonElement) = [| for x in e.EnumerateArray() -> x.GetInt64() |]

// ------------------------------------------------------------------------------------------------- fixtures

/// Rows of non-negative correlated features, like pooled activations.
let private randomFeatures (seed: int64) (n: int64) (d: int64) =
    use g = new torch.Generator(uint64 seed)
    use z = torch.randn([| n; d |], dtype = torch.float64, generator = g)
    use mixing = torch.eye(d, dtype = torch.float64) + 0.3 * torch.randn([| d; d |], dtype = torch.float64, generator = g) / sqrt (float d)
    z.mm(mixing).abs()

/// A stand-in for Inception: quantises images to 8 bits as the real extractors do, then projects the flattened
/// pixels with fixed random matrices to D features and from those to class logits.
type private ProjectionExtractor(pixels: int64, dim: int, classes: int) =
    let g = new torch.Generator(7UL)
    let w = torch.randn([| pixels; int64 dim |], dtype = torch.float64, generator = g) / sqrt (float pixels)
    let v = 3.0 * torch.randn([| int64 dim; int64 classes |], dtype = torch.float64, generator = g)
    member val Calls = 0 with get, set
    interface IFeatureExtractor with
        member _.Backbone = "fake-projection"
        member _.WeightsHash = "0000"
        member _.FeatureLayer = "projection"
        member _.Resize = "none"
        member _.FeatureDim = dim
        member _.Classes = classes
        member this.Extract(images, scaling) =
            this.Calls <- this.Calls + 1
            use scope = torch.NewDisposeScope()
            let x = images.``to``(torch.float64)
            let bytes: torch.Tensor =
                match scaling with
                | PixelScaling.ZeroOne -> x * 255.0
                | _ -> (x + 1.0) * 127.5
            let q = bytes.round().clamp((0.0).ToScalar(), (255.0).ToScalar()).reshape(images.shape.[0], -1L) / 255.0
            let f = q.mm(w)
            let l = f.mm(v)
            struct (f.MoveToOuterDisposeScope(), l.MoveToOuterDisposeScope())
        member _.Dispose() =
            w.Dispose()
            v.Dispose()
            g.Dispose()

let private images (seed: int64) (n: int64) =
    use g = new torch.Generator(uint64 seed)
    torch.rand([| n; 1L; 6L; 6L |], generator = g) * 2.0 - 1.0

/// Writes a zip with the given .npy entries (name, bytes).
let private writeZip (path: string) (entries: (string * byte[]) list) =
    use file = File.Create path
    use zip = new ZipArchive(file, ZipArchiveMode.Create)
    for name, bytes in entries do
        use s = zip.CreateEntry(name).Open()
        s.Write(bytes, 0, bytes.Length)

/// A .npy array with a given header dict and raw data.
let private npyBytes (dict: string) (data: byte[]) =
    let header = dict + String(' ', (64 - (10 + dict.Length + 1) % 64) % 64) + "\n"
    Array.concat [ [| 0x93uy |]; Encoding.ASCII.GetBytes "NUMPY"; [| 1uy; 0uy |]; BitConverter.GetBytes(uint16 header.Length)
                   Encoding.ASCII.GetBytes header; data ]

/// Logits over 1008 classes that put all but e^-60 of the mass on the given classes.
let private peaked (classes: torch.Tensor) =
    use hot = torch.nn.functional.one_hot(classes.``to``(torch.int64), 1008L)
    hot.``to``(torch.float32) * 60.0f

let private npyOf (values: float[]) (shape: int list) =
    use m = new MemoryStream()
    Npy.Write(m, ReadOnlySpan values, shape |> List.map int64 |> Array.ofList)
    m.ToArray()

// ------------------------------------------------------------------------------------------------- tests

let tests =
    testList "Metrics" [
        testList "numpy RandomState" [
            test "permutation matches numpy 1.24's legacy RandomState for several seeds and sizes" {
                let _, r = reference.Value
                for case in r.GetProperty("permutations").EnumerateArray() do
                    let seed, n = case.GetProperty("seed").GetInt64(), case.GetProperty("n").GetInt32()
                    let ours = NumpyRandomState(seed).Permutation n
                    Expect.sequenceEqual ours (longs (case.GetProperty "permutation")) $"permutation({n}) with seed {seed}"
            }
            test "successive choice(n, size, replace=False) draws match numpy's from one RandomState" {
                let _, r = reference.Value
                let choices = r.GetProperty "choices"
                let rng = NumpyRandomState(choices.GetProperty("seed").GetInt64())
                for draw in choices.GetProperty("draws").EnumerateArray() do
                    let n, size = draw.GetProperty("n").GetInt32(), draw.GetProperty("size").GetInt32()
                    Expect.sequenceEqual (rng.Choice(n, size)) (longs (draw.GetProperty "value")) $"choice({n}, {size})"
            }
            test "seeds outside numpy's range are refused" {
                throwsWith<ArgumentOutOfRangeException> "2^32" (fun () -> NumpyRandomState(-1L) |> ignore)
                throwsWith<ArgumentOutOfRangeException> "2^32" (fun () -> NumpyRandomState(4294967296L) |> ignore)
            }
        ]

        testList "Inception Score" [
            test "uniform predictions score exactly 1" {
                use logits = torch.zeros([| 100L; 1008L |])
                let s = InceptionScore.Compute(logits, InceptionScoreOptions())
                close 1e-12 1.0 s.Mean "IS"
                close 1e-12 0.0 s.Std "IS std"
                Expect.equal s.SplitScores.Count 10 "one score per split"
            }
            test "K balanced, confidently classified classes score K" {
                let k = 10
                use logits = peaked (torch.arange(1000L) % int64 k)
                let s = InceptionScore.Compute(logits, InceptionScoreOptions(Shuffle = false))
                close 1e-9 (float k) s.Mean "IS of K balanced classes"
                close 1e-9 0.0 s.Std "IS std"
            }
            test "class-sorted samples collapse to 1 per split without the shuffle, and recover with it" {
                use logits = peaked (torch.arange(1000L) / 100L)
                close 1e-9 1.0 (InceptionScore.Compute(logits, InceptionScoreOptions(Shuffle = false)).Mean) "sorted, unshuffled"
                let shuffled = InceptionScore.Compute(logits, InceptionScoreOptions()).Mean
                Expect.isGreaterThan shuffled 9.0 "sorted, shuffled with RandomState(2020)"
            }
            test "refuses fewer samples than splits and logits that are not 2-D" {
                use few = torch.zeros([| 9L; 1008L |])
                throwsWith<ArgumentException> "got N=9, splits=10" (fun () -> InceptionScore.Compute(few, InceptionScoreOptions()) |> ignore)
                use flat = torch.zeros([| 1008L |])
                throwsWith<ArgumentException> "logits [N, classes]" (fun () -> InceptionScore.Compute(flat, InceptionScoreOptions()) |> ignore)
            }
            test "matches torch-fidelity's algorithm (numpy) to 1e-9 relative" {
                let _, r = reference.Value
                for case in r.GetProperty("is").EnumerateArray() do
                    use logits = input (case.GetProperty "logits")
                    let options =
                        InceptionScoreOptions(case.GetProperty("splits").GetInt32(), case.GetProperty("shuffle").GetBoolean(),
                                              case.GetProperty("seed").GetInt32())
                    let s = InceptionScore.Compute(logits, options)
                    relative 1e-9 (case.GetProperty("mean").GetDouble()) s.Mean $"IS {options}"
                    relative 1e-9 (case.GetProperty("std").GetDouble()) s.Std $"IS std {options}"
                    let expected = [| for x in case.GetProperty("scores").EnumerateArray() -> x.GetDouble() |]
                    Array.iteri (fun i e -> relative 1e-9 e s.SplitScores.[i] $"split {i} of {options}") expected
            }
        ]

        testList "FID" [
            test "identical sets are at distance 0" {
                use x = randomFeatures 1L 300L 16L
                let s = FeatureStatistics.FromFeatures x
                let trace = Seq.sum [ for i in 0 .. 15 -> s.Covariance.[i * 16 + i] ]
                let fid = FrechetDistance.Compute(s, s)
                Expect.isLessThanOrEqual (abs fid) (1e-9 * trace) $"FID of a set with itself (trace {trace})"
            }
            test "two diagonal Gaussians: ‖Δμ‖² + Σ(√σ1 − √σ2)²" {
                let d = 50
                let rnd = Random 3
                let mu1, mu2 = Array.init d (fun _ -> rnd.NextDouble() * 4.0 - 2.0), Array.init d (fun _ -> rnd.NextDouble())
                let v1, v2 = Array.init d (fun _ -> 0.01 + rnd.NextDouble() * 5.0), Array.init d (fun _ -> 0.01 + rnd.NextDouble())
                let diagonal (v: float[]) = Array.init (d * d) (fun k -> if k / d = k % d then v.[k / d] else 0.0)
                let a = FeatureStatistics(mu1, diagonal v1, Nullable())
                let b = FeatureStatistics(mu2, diagonal v2, Nullable())
                let expected =
                    Array.fold2 (fun acc x y -> acc + (x - y) ** 2.0) 0.0 mu1 mu2
                    + Array.fold2 (fun acc x y -> acc + (sqrt x - sqrt y) ** 2.0) 0.0 v1 v2
                close 1e-10 expected (FrechetDistance.Compute(a, b)) "FID of diagonal Gaussians"
            }
            test "is symmetric in its two sets for correlated features" {
                use x = randomFeatures 4L 200L 12L
                use y = randomFeatures 5L 150L 12L
                let a, b = FeatureStatistics.FromFeatures x, FeatureStatistics.FromFeatures((y * 1.3) + 0.2)
                let ab, ba = FrechetDistance.Compute(a, b), FrechetDistance.Compute(b, a)
                Expect.isGreaterThan ab 0.1 "different sets"
                close 1e-10 ab ba "FID(a, b) vs FID(b, a)"
            }
            test "refuses N ≤ D and mismatched dimensions" {
                use few = randomFeatures 1L 16L 16L
                use many = randomFeatures 2L 100L 16L
                let small, large = FeatureStatistics.FromFeatures few, FeatureStatistics.FromFeatures many
                throwsWith<ArgumentException> "FID needs more samples than feature dimensions: got N=16, D=16" (fun () ->
                    FrechetDistance.Compute(large, small) |> ignore)
                use other = randomFeatures 3L 100L 8L
                throwsWith<ArgumentException> "got D=16 and D=8" (fun () ->
                    FrechetDistance.Compute(large, FeatureStatistics.FromFeatures other) |> ignore)
            }
            test "statistics are the mean and np.cov's unbiased covariance" {
                use x = randomFeatures 9L 50L 3L
                let s = FeatureStatistics.FromFeatures x
                use mu = x.mean([| 0L |])
                use centred = x - mu
                use cov = centred.t().mm(centred) / 49.0
                let expected = cov.data<float>().ToArray()
                Array.iteri (fun i e -> close 1e-12 e s.Covariance.[i] $"Σ[{i}]") expected
                Expect.equal s.Count (Nullable 50L) "N"
            }
            test "matches pytorch-fid's scipy sqrtm path to 1e-6 relative" {
                let _, r = reference.Value
                let fid = r.GetProperty "fid"
                use a = input (fid.GetProperty "a")
                use b = input (fid.GetProperty "b")
                let sa, sb = FeatureStatistics.FromFeatures a, FeatureStatistics.FromFeatures b
                relative 1e-6 (fid.GetProperty("value").GetDouble()) (FrechetDistance.Compute(sa, sb)) "FID"
                use c1 = sa.CovarianceTensor()
                use c2 = sb.CovarianceTensor()
                relative 1e-6 (fid.GetProperty("trace_sqrt").GetDouble()) (FrechetDistance.TraceSqrtProduct(c1, c2)) "Tr sqrt(Σ1Σ2)"
            }
        ]

        testList "npz statistics" [
            test "round trip: what is saved loads back exactly, and numpy reads it as pytorch-fid does" {
                inTempDir (fun dir ->
                    use x = randomFeatures 6L 40L 5L
                    let s = FeatureStatistics.FromFeatures x
                    let path = Path.Combine(dir, "stats.npz")
                    s.Save path
                    let back = FeatureStatistics.Load path
                    Expect.sequenceEqual back.Mean s.Mean "mu"
                    Expect.sequenceEqual back.Covariance s.Covariance "sigma"
                    Expect.equal back.Count (Nullable 40L) "n"
                    use read = JsonDocument.Parse(runScript [ "read-npz"; path ])
                    let array (name: string) = read.RootElement.GetProperty name
                    Expect.equal (array("mu").GetProperty("dtype").GetString()) "<f8" "numpy's dtype of mu"
                    Expect.sequenceEqual (longs (array("sigma").GetProperty "shape")) [| 5L; 5L |] "numpy's shape of sigma"
                    close 1e-12 (Array.sum s.Covariance) (array("sigma").GetProperty("sum").GetDouble()) "numpy's sum of sigma"
                    close 1e-12 (Array.sum s.Mean) (array("mu").GetProperty("sum").GetDouble()) "numpy's sum of mu")
            }
            test "reads numpy's savez_compressed (float64) and savez (float32) files" {
                let dir, r = reference.Value
                let npz = r.GetProperty "npz"
                use features = input (npz.GetProperty "features")
                let ours = FeatureStatistics.FromFeatures features
                let load (name: string) = FeatureStatistics.Load(Path.Combine(dir, npz.GetProperty(name).GetString() |> nonNull))
                for name, tolerance in [ "f8_deflated", 1e-12; "f4_stored", 1e-6 ] do
                    let theirs = load name
                    Expect.isFalse theirs.Count.HasValue $"{name}: numpy's files hold no n"
                    let scale = Array.max (Array.map abs ours.Covariance)
                    Array.iteri (fun i e -> close tolerance (e / scale) (theirs.Covariance.[i] / scale) $"{name} sigma[{i}]") ours.Covariance
                    Array.iteri (fun i e -> close tolerance e theirs.Mean.[i] $"{name} mu[{i}]") ours.Mean
            }
            test "refuses other dtypes, Fortran order, missing arrays and non-zip files, naming the file" {
                inTempDir (fun dir ->
                    let mu = npyOf [| 1.0; 2.0 |] [ 2 ]
                    let sigma = npyOf [| 1.0; 0.0; 0.0; 1.0 |] [ 2; 2 ]
                    let cases =
                        [ "int.npz", [ "mu.npy", npyBytes "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }" (Array.zeroCreate 8); "sigma.npy", sigma ],
                          "dtype '<i4' is not supported"
                          "fortran.npz", [ "mu.npy", mu; "sigma.npy", npyBytes "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }" (Array.zeroCreate 32) ],
                          "Fortran order"
                          "missing.npz", [ "mu.npy", mu ], "no array 'sigma'"
                          "shape.npz", [ "mu.npy", mu; "sigma.npy", npyOf [| 1.0; 2.0; 3.0 |] [ 3 ] ], "'sigma' must be [D, D]" ]
                    for file, entries, message in cases do
                        let path = Path.Combine(dir, file)
                        writeZip path entries
                        throwsWith<InvalidDataException> message (fun () -> FeatureStatistics.Load path |> ignore)
                        throwsWith<InvalidDataException> file (fun () -> FeatureStatistics.Load path |> ignore)
                    let text = Path.Combine(dir, "text.npz")
                    File.WriteAllText(text, "not a zip")
                    throwsWith<InvalidDataException> "text.npz: not an .npz" (fun () -> FeatureStatistics.Load text |> ignore))
            }
        ]

        testList "KID" [
            test "identical sets are ≈ 0, far below a shifted set's" {
                use x = randomFeatures 11L 500L 16L
                let options = KidOptions(Subsets = 20, SubsetSize = 100)
                let same = KernelInceptionDistance.Compute(x, x, options)
                use shifted = x + 0.5
                let apart = KernelInceptionDistance.Compute(x, shifted, options)
                Expect.isLessThan (abs same.Mean) (0.01 * apart.Mean) $"KID of a set with itself ({same.Mean}) vs shifted ({apart.Mean})"
                Expect.isLessThan (abs same.Mean) (3.0 * same.Std / sqrt 20.0 + 1e-12) "within the subset noise of 0"
            }
            test "refuses sets smaller than the subset size, naming both sizes" {
                use a = randomFeatures 1L 120L 4L
                use b = randomFeatures 2L 90L 4L
                throwsWith<ArgumentException> "got N1=120, N2=90" (fun () ->
                    KernelInceptionDistance.Compute(a, b, KidOptions(SubsetSize = 100)) |> ignore)
            }
            test "matches torch-fidelity's algorithm (numpy) to 1e-6 relative, default subset size included" {
                let _, r = reference.Value
                for case in r.GetProperty("kid").EnumerateArray() do
                    use a = input (case.GetProperty "a")
                    use b = input (case.GetProperty "b")
                    let options =
                        KidOptions(Subsets = case.GetProperty("subsets").GetInt32(), SubsetSize = case.GetProperty("subset_size").GetInt32(),
                                   Seed = case.GetProperty("seed").GetInt32())
                    let k = KernelInceptionDistance.Compute(a, b, options)
                    relative 1e-6 (case.GetProperty("mean").GetDouble()) k.Mean $"KID {options}"
                    relative 1e-6 (case.GetProperty("std").GetDouble()) k.Std $"KID std {options}"
            }
        ]

        testList "FeatureScorer" [
            let optionsWith batchSize kidOptional =
                FeatureScorerOptions(Prefix = "cls_", Kid = KidOptions(Subsets = 10, SubsetSize = 100), BatchSize = batchSize, KidOptional = kidOptional)
            let options = optionsWith 50 false
            test "scores the reference images themselves at FID ≈ 0 with every prefixed key, batch size aside" {
                use extractor = new ProjectionExtractor(36L, 8, 5)
                use real = images 1L 300L
                use features = FeatureScorer.ReferenceFeatures(extractor, real, PixelScaling.MinusOneOne, 32)
                use scorer = new FeatureScorer(extractor, features, "fake-real", PixelScaling.MinusOneOne, options)
                let scores = (scorer :> IScorer).Score real
                Expect.sequenceEqual (Seq.sort scores.Keys) [ "cls_fid"; "cls_is"; "cls_is_std"; "cls_kid"; "cls_kid_std" ] "keys"
                Expect.isLessThan (abs scores.["cls_fid"]) 1e-9 "FID of the reference with itself"
                Expect.isGreaterThanOrEqual scores.["cls_is"] 1.0 "IS ≥ 1"
                use small = new FeatureScorer(extractor, features, "fake-real", PixelScaling.MinusOneOne, optionsWith 7 false)
                let calls = extractor.Calls
                use generated = images 2L 300L
                let a, b = (scorer :> IScorer).Score generated, (small :> IScorer).Score generated
                Expect.equal (extractor.Calls - calls) (6 + 43) "batches of 50 and of 7"
                for key in a.Keys do close 1e-12 a.[key] b.[key] $"{key}: batch 50 vs batch 7"
                Expect.isGreaterThan a.["cls_fid"] 1e-3 "FID of other images"
                use generatedFeatures = FeatureScorer.ReferenceFeatures(extractor, generated, PixelScaling.MinusOneOne, 50)
                let direct = FrechetDistance.Compute(FeatureStatistics.FromFeatures generatedFeatures, FeatureStatistics.FromFeatures features)
                close 1e-12 direct a.["cls_fid"] "the scorer's FID is FrechetDistance of the two sets' statistics"
            }
            test "leaves KID out for too few samples only when asked to" {
                use extractor = new ProjectionExtractor(36L, 8, 5)
                use real = images 1L 300L
                use features = FeatureScorer.ReferenceFeatures(extractor, real, PixelScaling.MinusOneOne, 50)
                use few = images 3L 60L
                use strict = new FeatureScorer(extractor, features, "fake-real", PixelScaling.MinusOneOne, options)
                throwsWith<ArgumentException> "got N1=60, N2=300" (fun () -> (strict :> IScorer).Score few |> ignore)
                use lenient = new FeatureScorer(extractor, features, "fake-real", PixelScaling.MinusOneOne, optionsWith 50 true)
                let scores = (lenient :> IScorer).Score few
                Expect.sequenceEqual (Seq.sort scores.Keys) [ "cls_fid"; "cls_is"; "cls_is_std" ] "no KID keys"
            }
            test "pixel rounding per script: gan_cifar.py truncates (x + 1)·255/2, gan_cifar_resnet.py (x + 1)·255.99/2, ours rounds; the scorer applies it" {
                use g = new torch.Generator(31UL)
                use x = torch.cat([| torch.tensor([| -1.0f; 1.0f; 0.0f; -1.5f; 1.5f |]); torch.rand([| 2000L |], generator = g) * 2.0f - 1.0f |], 0L)
                let values = x.data<float32>().ToArray()
                let levels (t: torch.Tensor) = t.data<byte>().ToArray()
                // numpy's float32 arithmetic, then int32 truncation (x ≥ −1, so the floor), clamped.
                let truncated (m: float) = values |> Array.map (fun v -> byte (max 0.0f (min 255.0f (floor ((v + 1.0f) * float32 (m / 2.0))))))
                Expect.equal (levels (Quantisation.ToBytes(x, PixelScaling.MinusOneOne, PixelRounding.Truncate255))) (truncated 255.0) "gan_cifar.py"
                Expect.equal (levels (Quantisation.ToBytes(x, PixelScaling.MinusOneOne, PixelRounding.Truncate25599))) (truncated 255.99) "gan_cifar_resnet.py"
                Expect.equal (levels (Quantisation.ToBytes(x, PixelScaling.MinusOneOneDequantized, PixelRounding.Truncate25599))) (truncated 255.99) "the same on dequantised data"
                let at0 r = (levels (Quantisation.ToBytes(x, PixelScaling.MinusOneOne, r))).[0..4]
                Expect.equal (at0 PixelRounding.Nearest, at0 PixelRounding.Truncate255, at0 PixelRounding.Truncate25599)
                    ([| 0uy; 255uy; 128uy; 0uy; 255uy |], [| 0uy; 255uy; 127uy; 0uy; 255uy |], [| 0uy; 255uy; 127uy; 0uy; 255uy |]) "−1, 1, 0 and out of range"
                // The scorer hands the extractor the rule's levels (here read back by an extractor that records them).
                let seen = Collections.Generic.List<byte[]>()
                let recording =
                    { new IFeatureExtractor with
                        member _.Backbone = "recording"
                        member _.WeightsHash = "0"
                        member _.FeatureLayer = "pixels"
                        member _.Resize = "none"
                        member _.FeatureDim = 2
                        member _.Classes = 2
                        member _.Extract(images, scaling) =
                            seen.Add((Quantisation.ToBytes(images, scaling)).data<byte>().ToArray())
                            let n = images.shape.[0]
                            struct (torch.randn([| n; 2L |], dtype = torch.float64), torch.randn([| n; 2L |], dtype = torch.float64))
                        member _.Dispose() = () }
                use reference = torch.randn([| 50L; 2L |], dtype = torch.float64)
                use samples = x.narrow(0L, 5L, 2000L).reshape(20L, 1L, 10L, 10L)
                for rounding, m in [ PixelRounding.Truncate255, 255.0; PixelRounding.Truncate25599, 255.99 ] do
                    seen.Clear()
                    use scorer = new FeatureScorer(recording, reference, "r", PixelScaling.MinusOneOne, FeatureScorerOptions(Rounding = rounding, KidOptional = true, FidOptional = true))
                    (scorer :> IScorer).Score samples |> ignore
                    Expect.equal (Array.concat seen) (truncated m).[5..] $"{rounding}: the extractor sees the script's levels"
                    Expect.stringContains ((scorer :> IScorer).Protocol.["quantisation"]) (if m = 255.0 then "gan_cifar.py" else "gan_cifar_resnet.py") "named in the protocol"
            }

            test "records its protocol" {
                use extractor = new ProjectionExtractor(36L, 8, 5)
                use real = images 1L 200L
                use features = FeatureScorer.ReferenceFeatures(extractor, real, PixelScaling.MinusOneOne, 50)
                use scorer = new FeatureScorer(extractor, features, "fake-real", PixelScaling.MinusOneOne, options)
                let scorer = scorer :> IScorer
                scorer.Score real |> ignore
                let p = scorer.Protocol
                let expected =
                    [ "backbone", "fake-projection"; "weights_sha256", "0000"; "feature_layer", "projection"; "resize", "none"
                      "generated_n", "200"; "reference", "fake-real"; "reference_n", "200"; "is_splits", "10"
                      "is_shuffle_seed", "2020"; "is_bias", "extractor logits"; "kid_subsets", "10"; "kid_subset_size", "100"
                      "kid_seed", "2020"; "quantisation", "uint8" ]
                for key, value in expected do
                    Expect.equal (match p.TryGetValue key with | true, v -> v | _ -> "(missing)") value key
            }
        ]
    ]
