module WganGp.Tests.IdxTests

open System
open System.IO
open System.IO.Compression
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Tests.Support

/// Bytes of an IDX file of unsigned bytes with the given shape.
let private idx (shape: int list) (data: byte[]) =
    [| yield! [| 0uy; 0uy; 8uy; byte shape.Length |]
       for d in shape do yield! [| byte (d >>> 24); byte (d >>> 16); byte (d >>> 8); byte d |]
       yield! data |]

let private gzip (bytes: byte[]) =
    use output = new MemoryStream()
    (use z = new GZipStream(output, CompressionLevel.Fastest) in z.Write(bytes, 0, bytes.Length))
    output.ToArray()

/// n images of 2 × 2 pixels; image i has pixels 4i .. 4i+3 (so each image is identified by its first pixel), label i % 10.
let private writeSet dir n compress =
    let write (name: string) (bytes: byte[]) =
        let path = Path.Combine(dir, name)
        File.WriteAllBytes(path, (if compress then gzip bytes else bytes))
        path
    write "images-idx3-ubyte" (idx [ n; 2; 2 ] (Array.init (4 * n) byte)),
    write "labels-idx1-ubyte" (idx [ n ] (Array.init n (fun i -> byte (i % 10))))

/// The image numbers of a batch scaled to [0, 1], read back from their first pixel.
let private ids (batch: torch.Tensor) =
    batch.reshape(batch.shape.[0], -1L).select(1, 0L).mul(torch.tensor(255.0f / 4.0f)).round().``to``(torch.int64).data<int64>().ToArray()

let tests =
    testList "IDX data" [
        test "raw and gzip IDX files decode to the exact pixels and labels, as [N, 1, H, W]" {
            inTempDir (fun dir ->
                for compress in [ false; true ] do
                    let images, labels = writeSet (Path.Combine(dir, string compress) |> fun d -> Directory.CreateDirectory d |> ignore; d) 3 compress
                    use set = LabelledImages.FromIdx(images, labels)
                    Expect.sequenceEqual set.Images.shape [| 3L; 1L; 2L; 2L |] "shape"
                    Expect.sequenceEqual (set.Images.data<byte>().ToArray()) (Array.init 12 byte) "pixels"
                    Expect.sequenceEqual (set.Labels.data<int64>().ToArray()) [| 0L; 1L; 2L |] "labels")
        }

        test "pixel scaling: x/255 for MNIST's [0, 1], 2(x/255 − 0.5) for [−1, 1]" {
            use images = torch.tensor([| 0uy; 51uy; 255uy; 102uy |]).reshape(1L, 1L, 2L, 2L)
            use set = new LabelledImages("s", images, torch.tensor([| 0L |]))
            use index = torch.tensor([| 0L |])
            let values scaling = set.Select(index, scaling).data<float32>().ToArray()
            Expect.sequenceEqual (values PixelScaling.ZeroOne) [| 0.0f; 0.2f; 1.0f; 0.4f |] "[0, 1]"
            Expect.sequenceEqual (values PixelScaling.MinusOneOne |> Array.map (fun v -> MathF.Round(v, 5))) [| -1.0f; -0.6f; 1.0f; -0.2f |] "[-1, 1]"
        }

        test "seeded order: every epoch is a permutation, the short tail is skipped, the same seed gives the same batches" {
            inTempDir (fun dir ->
                let images, labels = writeSet dir 10 false
                use set = LabelledImages.FromIdx(images, labels)
                use a = new ShuffledBatches(set, 5L, PixelScaling.ZeroOne)
                use b = new ShuffledBatches(set, 5L, PixelScaling.ZeroOne)
                use c = new ShuffledBatches(set, 6L, PixelScaling.ZeroOne)
                let take (s: ShuffledBatches) n = [ for _ in 1 .. n -> ids (s.NextBatch 4) ]
                let fromA = take a 6
                Expect.equal (take b 6) fromA "same seed, same batches"
                Expect.notEqual (take c 6) fromA "another seed, another order"
                for epoch in 0 .. 2 do
                    let seen = Array.append fromA.[2 * epoch] fromA.[2 * epoch + 1]
                    Expect.equal (Array.distinct seen).Length 8 $"epoch {epoch}: 8 distinct images of 10 (tail of 2 skipped)"
                Expect.equal a.Position (SamplerPosition(2L, 8L)) "position after 6 batches of 4")
        }

        test "a restored position continues with exactly the batches an uninterrupted sampler gives" {
            inTempDir (fun dir ->
                let images, labels = writeSet dir 10 false
                use set = LabelledImages.FromIdx(images, labels)
                use straight = new ShuffledBatches(set, 9L, PixelScaling.MinusOneOne)
                let all = [ for _ in 1 .. 7 -> ids (straight.NextBatch 3) ]
                use first = new ShuffledBatches(set, 9L, PixelScaling.MinusOneOne)
                for _ in 1 .. 4 do first.NextBatch 3 |> ignore
                let saved = first.Position
                use resumed = new ShuffledBatches(set, 9L, PixelScaling.MinusOneOne)
                resumed.Restore saved
                Expect.equal [ for _ in 1 .. 3 -> ids (resumed.NextBatch 3) ] (List.skip 4 all) "batches 5-7")
        }

        test "bad input: each case names the file and what was expected" {
            inTempDir (fun dir ->
                let images, labels = writeSet dir 4 false
                let missing = Path.Combine(dir, "nope-idx3-ubyte")
                throwsWith<FileNotFoundException> missing (fun () -> IdxFile.Read missing |> ignore)
                let png = Path.Combine(dir, "image.png")
                File.WriteAllBytes(png, [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0uy; 0uy |])
                throwsWith<InvalidDataException> $"{png}: not an IDX file" (fun () -> IdxFile.Read png |> ignore)
                let truncated = Path.Combine(dir, "truncated")
                File.WriteAllBytes(truncated, (File.ReadAllBytes images).[.. 20])
                throwsWith<InvalidDataException> "truncated: the header [4 × 2 × 2] needs 16 data bytes, the file has 5" (fun () -> IdxFile.Read truncated |> ignore)
                let corrupt = Path.Combine(dir, "corrupt.gz")
                File.WriteAllBytes(corrupt, Array.append [| 0x1fuy; 0x8buy; 8uy; 0uy |] (Array.create 20 0xffuy))
                throwsWith<InvalidDataException> $"{corrupt}: corrupt gzip" (fun () -> IdxFile.Read corrupt |> ignore)
                throwsWith<InvalidDataException> "expected images of shape [N, H, W], got [4]" (fun () -> LabelledImages.FromIdx(labels, labels) |> ignore)
                let _, fewer = writeSet (Directory.CreateDirectory(Path.Combine(dir, "three")).FullName) 3 false
                throwsWith<InvalidDataException> "3 labels for the 4 images" (fun () -> LabelledImages.FromIdx(images, fewer) |> ignore))
        }

        test "the real Fashion-MNIST package (dataset-fashion-mnist): 60,000 + 10,000 images of 28 × 28, 10 balanced classes" {
            requireFashionMnist ()
            let dir = fashionMnistDir
            use train = LabelledImages.FromIdx(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"))
            use test = LabelledImages.FromIdx(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"))
            Expect.sequenceEqual train.Images.shape [| 60000L; 1L; 28L; 28L |] "train images"
            Expect.equal test.Count 10000L "test images"
            Expect.sequenceEqual (torch.bincount(train.Labels).data<int64>().ToArray()) (Array.create 10 6000L) "6,000 per class"
            let mean = train.Images.``to``(torch.float64).mean().item<float>() / 255.0
            close 0.01 0.286 mean "mean pixel intensity of Fashion-MNIST's training set (0.2860)"
        }
    ]
