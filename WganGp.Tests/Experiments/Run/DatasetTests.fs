module WganGp.Tests.DatasetTests

open System
open System.IO
open Expecto
open SkiaSharp
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Data.Images
open WganGp.Core.Nets
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Tests.Support

/// A folder of `count` small PNGs in distinct colours, plus optionally a corrupt one.
let private imageFolder dir count size corrupt =
    Directory.CreateDirectory dir |> ignore
    for i in 0 .. count - 1 do
        use bitmap = new SKBitmap(SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul))
        bitmap.Erase(SKColor(byte (i * 30), byte (255 - i * 20), 90uy))
        use data = nonNull (bitmap.Encode(SKEncodedImageFormat.Png, 100))
        File.WriteAllBytes(Path.Combine(dir, $"{i:D3}.png"), data.ToArray())
    if corrupt then File.WriteAllBytes(Path.Combine(dir, "broken.png"), [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 1uy |])

let private tiny path = Datasets.imageFolder "tiny" path 16

let private grid data =
    { Grid.named "real" with
        Datasets = [ Real data ]
        Architectures = [ Figure2(Figure2Variant.Dcgan, 16, 3, 1.0) ]
        Methods = [ Paper.wganGp ]
        Iterations = 2
        BatchSize = 4
        SampleCount = 4 }

let private options dir paths : Runner.Options =
    { ResultsRoot = dir; Budget = Cells.Scaled 1.0; Select = []; Device = "cpu"; Figures = Runner.NoFigures
      DataPaths = paths; DecodeThreads = 1; Precision = WganGp.Core.Numerics.Precision.Float32; Command = "test"
      Schedule = Runner.Schedule.defaults; Cancel = System.Threading.CancellationToken.None; Table = true }

let private statusOf (dir: string) =
    let run = runDirectories dir |> Array.exactlyOne
    File.ReadAllText(Path.Combine(run, "status.json")), run

let tests =
    testList "real datasets in grids" [
        test "--data NAME=PATH relocates a dataset by name; unknown names and malformed pairs are refused" {
            let known = [ tiny "/nowhere"; Datasets.fashionMnist ]
            Expect.equal (Datasets.relocations known [ "tiny=/data/t" ]) (Ok(Map [ "tiny", "/data/t" ])) "relocated"
            match Datasets.relocations known [ "lsun=/x"; "tiny" ] with
            | Error [ unknown; malformed ] ->
                Expect.stringContains unknown "no dataset named 'lsun' in this experiment (its datasets: tiny, fashion-mnist)" "unknown"
                Expect.stringContains malformed "--data tiny: expected NAME=PATH" "malformed"
            | other -> failwith $"expected two errors, got {other}"
            Expect.equal (Datasets.pathOf (Map [ "tiny", "/data/t" ]) (tiny "/nowhere")) "/data/t" "path after relocation"
        }

        test "a cell's id covers the data's format and scaling but not its path; toy ids are unchanged by real data support" {
            let cell data = Cells.expand "e" (Cells.Scaled 1.0) (grid data) |> List.exactlyOne
            Expect.equal (Cells.id (cell (tiny "/a"))) (Cells.id (cell (tiny "/b"))) "moving the data keeps the id"
            Expect.notEqual (Cells.id (cell (tiny "/a"))) (Cells.id (cell { tiny "/a" with Scaling = PixelScaling.ZeroOne })) "scaling changes it"
            Expect.notEqual (Cells.id (cell (tiny "/a"))) (Cells.id (cell (Datasets.imageFolder "tiny" "/a" 32))) "size changes it"
            let toy = Cells.expand "e" (Cells.Scaled 1.0) { Grid.named "t" with Datasets = [ Toy ToyKind.SwissRoll ]; Architectures = [ ToyMlp(16, 3) ]; Methods = [ Paper.Toy.wganGp ] }
            Expect.isFalse ((Cells.settingsJson toy.Head).Contains "\"data\"") "no data key for toys"
        }

        test "architectures and datasets must fit: a toy MLP on images or the DCGAN on 2-D points is refused before running" {
            let errors = Cells.validate { grid (tiny "/a") with Architectures = [ ToyMlp(8, 2); Figure2(Figure2Variant.Dcgan, 12, 3, 1.0); Figure2(Figure2Variant.ResNet101, 16, 3, 1.0) ]; Datasets = [ Real(tiny "/a"); Toy ToyKind.SwissRoll ] }
            let all = String.Join("\n", errors)
            Expect.stringContains all "mlp8x2 is a 2-D toy architecture and cannot train on tiny" "MLP on images"
            Expect.stringContains all "dcgan-12c3 is an image architecture and cannot train on swissroll" "DCGAN on points"
            Expect.stringContains all "size must be a power of two of at least 8, got 12" "size"
            Expect.stringContains all "resnet101-16c3: the ResNet-101 pair is defined at 32 or 64, got 16" "ResNet-101 sizes"
        }

        test "a grid trains the DCGAN pair on an image folder given with --data, and writes a sample grid instead of a CSV" {
            inTempDir (fun dir ->
                imageFolder (Path.Combine(dir, "images")) 8 20 true
                let results = Path.Combine(dir, "results")
                let experiment = { Experiment.named "real" with Grids = [ grid (tiny "/does/not/exist") ] }
                match Runner.run (options results Map.empty) experiment with
                | Error [ e ] -> Expect.stringContains e "dataset tiny: /does/not/exist not found; put the data there or pass --data tiny=PATH" "checked first"
                | other -> failwith $"expected the missing data to stop the grid, got {other}"
                Expect.isFalse (Directory.Exists(Path.Combine(results, "real"))) "nothing written"
                Expect.equal (Runner.run (options results (Map [ "tiny", Path.Combine(dir, "images") ])) experiment) (Ok()) "ran"
                let status, run = statusOf (Path.Combine(results, "real"))
                Expect.stringContains status "\"finished\"" "finished"
                Expect.isTrue (File.Exists(Path.Combine(run, "samples.png"))) "samples.png"
                Expect.isFalse (File.Exists(Path.Combine(run, "samples.csv"))) "no pixel CSV")
        }

        test "a language-model run records character n-gram JS divergences in (0, 1] bits with their protocol, and `score` gives the same ones (one scorer registry)" {
            inTempDir (fun dir ->
                let folder = Directory.CreateDirectory(Path.Combine(dir, "text", Text.CharCorpus.TrainingFolder)).FullName
                File.WriteAllLines(Path.Combine(folder, Text.CharCorpus.FileName 1), [ for i in 0 .. 99 -> $"line {i} of a small corpus" ])
                let experiment =
                    { Experiment.named "lm" with
                        Grids =
                            [ { Grid.named "text" with
                                  Datasets = [ Real(Datasets.billionWord (Path.Combine(dir, "text"))) ]
                                  Architectures = [ CharResNet ]
                                  Methods = [ Paper.Language.wganGp.WithCriticIterations 1 ]
                                  Iterations = 2
                                  BatchSize = 4
                                  SampleCount = 16 } ] }
                // The paper's char ResNet writes 340 MB per checkpoint: only the last one, and few evaluation samples.
                let schedule = { Runner.Schedule.defaults with EvaluationSamples = Some 16; CheckpointEvery = Some 2; TensorBoard = false }
                let options = { options (Path.Combine(dir, "results")) Map.empty with Schedule = schedule }
                Expect.equal (Runner.run options experiment) (Ok()) "ran"
                let status, run = statusOf (Path.Combine(dir, "results", "lm"))
                Expect.stringContains status "\"finished\"" "finished"
                // The cell is described once, in cell.json, and the table's row comes from it.
                Expect.isFalse (File.ReadAllText(Path.Combine(run, WganGp.Core.Training.RunFiles.Settings)).Contains "\"cell\"") "no second description in settings.json"
                Expect.stringContains (File.ReadAllText(Path.Combine(dir, "results", "lm", "summary.md"))) "| billion-word | char-resnet | wgan-gp | 1 | 1 |" "the row, named from cell.json"
                use scores = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, WganGp.Core.Training.RunFiles.Scores)))
                use protocol = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, WganGp.Core.Training.RunFiles.Protocol)))
                Expect.equal (protocol.RootElement.GetProperty("js4").GetProperty("decoding").GetString()) "argmax decoding" "protocol"
                let scored = TrainedRuns.score run None 0 None Scoring.none (fun d -> d.Path)
                for n in 1 .. 4 do
                    let js = scores.RootElement.GetProperty($"js{n}").GetDouble()
                    Expect.isTrue (js > 0.0 && js <= 1.0) $"js{n} = {js} in (0, 1] bits for an untrained generator"
                    Expect.exists scored (fun line -> line.StartsWith $"js{n} ") $"score gives js{n}")
        }

        test "data whose items do not fit the architecture fail the cell with both shapes named" {
            requireFashionMnist ()
            inTempDir (fun dir ->
                let experiment =
                    { Experiment.named "fit" with
                        Grids = [ { grid Datasets.fashionMnist with Architectures = [ Figure2(Figure2Variant.Dcgan, 16, 1, 1.0) ] } ] }
                Runner.run (options dir Map.empty) experiment |> ignore
                let status, _ = statusOf (Path.Combine(dir, "fit"))
                Expect.stringContains status "fashion-mnist gives items of shape [1, 28, 28] but dcgan-16c1 takes [1, 16, 16]" "failed with shapes")
        }

        test "every format opens by name as seeded, resumable batches of the declared shape" {
            requireFashionMnist ()
            inTempDir (fun dir ->
                use fashion = Datasets.openReal Datasets.fashionMnist Datasets.fashionMnist.Path 0L 1 ignore
                Expect.sequenceEqual fashion.ItemShape [| 1L; 28L; 28L |] "Fashion-MNIST"
                use padded = Datasets.openReal Datasets.fashionMnist32 Datasets.fashionMnist.Path 0L 1 ignore
                Expect.sequenceEqual padded.ItemShape [| 1L; 32L; 32L |] "padded to 32"
                let a = fashion.NextBatch 4
                let b = padded.NextBatch 4
                Expect.isTrue (b.narrow(2L, 2L, 28L).narrow(3L, 2L, 28L).allclose(a, 0.0, 0.0)) "same images in the centre (same seed, same order)"
                Expect.isTrue (b.narrow(2L, 0L, 2L).eq(torch.tensor -1.0f).all().item<bool>()) "zero pixels (−1) around"
                let cifar = Path.Combine(dir, "cifar")
                Directory.CreateDirectory cifar |> ignore
                for f in CifarBinary.TrainFiles do
                    File.WriteAllBytes(Path.Combine(cifar, f), Array.concat [ [| 3uy |]; Array.create 3072 255uy ])
                use c = Datasets.openReal (Datasets.cifar10 cifar) cifar 0L 1 ignore
                Expect.sequenceEqual c.ItemShape [| 3L; 32L; 32L |] "CIFAR-10"
                Expect.equal ((c.NextBatch 2).min().item<float32>()) 1.0f "255 → 1"
                let text = Path.Combine(dir, "text", "training-monolingual.tokenized.shuffled")
                Directory.CreateDirectory text |> ignore
                File.WriteAllText(Path.Combine(text, "news.en-00001-of-00100"), "ab\nba\nabc\n")
                use t = Datasets.openReal (Datasets.billionWord (Path.Combine(dir, "text"))) (Path.Combine(dir, "text")) 0L 1 ignore
                Expect.sequenceEqual t.ItemShape [| 32L; 5L |] "32 positions × (unk, `, a, b, c)"
                imageFolder (Path.Combine(dir, "folder")) 5 16 false
                use f = Datasets.openReal (tiny "") (Path.Combine(dir, "folder")) 3L 1 ignore
                let first = [ for _ in 1 .. 3 -> (f.NextBatch 2).data<float32>().ToArray() ]
                let saved = f.Position
                let next = (f.NextBatch 2).data<float32>().ToArray()
                use again = Datasets.openReal (tiny "") (Path.Combine(dir, "folder")) 3L 1 ignore
                again.Restore saved
                Expect.equal ((again.NextBatch 2).data<float32>().ToArray()) next "restored"
                Expect.equal first.Length 3 "read")
        }

        test "wgangp data's report counts skipped files by name and writes a preview grid" {
            inTempDir (fun dir ->
                imageFolder dir 6 16 true
                let preview = Path.Combine(dir, "preview", "grid.png")
                let lines = Datasets.inspect (tiny dir) dir 3 2 0L 1 (Some preview)
                let text = String.Join("\n", lines)
                Expect.stringContains text "batch shape [2 x 3 x 16 x 16] float32" "shape"
                Expect.stringContains text "skipped: 1" "one skip"
                Expect.stringContains text "broken.png: corrupt Png image" "named"
                use image = nonNull (SKBitmap.Decode preview)
                Expect.equal (image.Width, image.Height) (2 * 18 + 2, 18 + 2) "2 images with 2 px padding")
        }
    ]
