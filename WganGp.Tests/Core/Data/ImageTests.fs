module WganGp.Tests.ImageTests

open System
open System.IO
open Expecto
open SkiaSharp
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Data.Images
open WganGp.Tests.Support

/// A w × h RGB image whose pixel (x, y) is `colour x y`, encoded in a real format.
let private encode (format: SKEncodedImageFormat) (w: int) (h: int) (colour: int -> int -> byte * byte * byte) =
    use bitmap = new SKBitmap(SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul))
    for y in 0 .. h - 1 do
        for x in 0 .. w - 1 do
            let r, g, b = colour x y
            bitmap.SetPixel(x, y, SKColor(r, g, b, 255uy))
    use pixmap = bitmap.PeekPixels()
    let data =
        match format with
        | SKEncodedImageFormat.Webp -> pixmap.Encode(SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100f))
        | SKEncodedImageFormat.Jpeg -> pixmap.Encode(SKJpegEncoderOptions(95))
        | _ -> pixmap.Encode(SKPngEncoderOptions.Default)
    use data = nonNull data
    data.ToArray()

/// Distinct colour per image `i` and position, so a decoded image identifies its source and layout.
let private colourOf (i: int) x y = byte (i * 40 + x), byte (y * 3), byte (200 - i * 10 - x)

let private options size channels = ImageOptions(size, channels)

/// The planar [C, S, S] bytes of `colourOf i` cropped at (left, top).
let private expected (i: int) size left top =
    [| for c in 0 .. 2 do
           for y in 0 .. size - 1 do
               for x in 0 .. size - 1 do
                   let r, g, b = colourOf i (left + x) (top + y)
                   match c with
                   | 0 -> r
                   | 1 -> g
                   | _ -> b |]

let private decode (bytes: byte[]) (o: ImageOptions) =
    let out = Array.zeroCreate o.PixelsPerImage
    ImageDecoder.Decode(ReadOnlySpan bytes, o, Span out)
    out

let private writeFolder dir count format size =
    for i in 0 .. count - 1 do
        let ext = if format = SKEncodedImageFormat.Webp then "webp" else "png"
        File.WriteAllBytes(Path.Combine(dir, $"img{i:D2}.{ext}"), encode format size size (colourOf i))

/// Each image of a batch as bytes again ([-1, 1] → 0..255), to compare with the sources exactly.
let private bytesOf (batch: torch.Tensor) =
    let b = int batch.shape.[0]
    let values = ((batch + 1.0f) * 127.5f).round().``to``(torch.ScalarType.Byte).reshape(int64 b, -1L).data<byte>().ToArray()
    let per = values.Length / b
    [ for i in 0 .. b - 1 -> values.[i * per .. (i + 1) * per - 1] ]

let private quiet (_: string) = ()

let tests =
    testList "Images" [
        test "PNG and lossless WebP decode to exact planar RGB; the centre crop of a taller or wider image is exact" {
            let o = options 8 3
            for format in [ SKEncodedImageFormat.Png; SKEncodedImageFormat.Webp ] do
                Expect.sequenceEqual (decode (encode format 8 8 (colourOf 1)) o) (expected 1 8 0 0) $"{format} 8x8"
            Expect.sequenceEqual (decode (encode SKEncodedImageFormat.Png 8 12 (colourOf 2)) o) (expected 2 8 0 2) "8x12: rows 2..9"
            Expect.sequenceEqual (decode (encode SKEncodedImageFormat.Png 13 8 (colourOf 3)) o) (expected 3 8 2 0) "13x8: columns 2..9 (floor)"
        }

        test "gray: R = G = B images keep their values; colour uses ITU-R 601 luma" {
            let grey = encode SKEncodedImageFormat.Png 4 4 (fun x y -> let v = byte (x * 60 + y) in v, v, v)
            Expect.sequenceEqual (decode grey (options 4 1)) [| for y in 0 .. 3 do for x in 0 .. 3 -> byte (x * 60 + y) |] "gray values"
            let red = encode SKEncodedImageFormat.Png 2 2 (fun _ _ -> 200uy, 100uy, 50uy)
            Expect.equal (decode red (options 2 1)).[0] (byte ((200 * 299 + 100 * 587 + 50 * 114) / 1000)) "luma"
        }

        test "shrinking averages: a 32x48 image of 4x4 blocks becomes 8x12 then its centre 8x8 of block means" {
            let block x y = byte ((x / 4) * 30), byte ((y / 4) * 20), 7uy
            let out = decode (encode SKEncodedImageFormat.Png 32 48 block) (options 8 3)
            let target = [| for c in 0 .. 2 do
                                for y in 0 .. 7 do
                                    for x in 0 .. 7 -> match c with 0 -> byte (x * 30) | 1 -> byte ((y + 2) * 20) | _ -> 7uy |]
            let worst = Array.map2 (fun (a: byte) (b: byte) -> abs (int a - int b)) out target |> Array.max
            Expect.isLessThanOrEqual worst 2 "each output pixel is its 4x4 block's value (within rounding)"
            let jpeg = decode (encode SKEncodedImageFormat.Jpeg 16 16 (fun _ _ -> 90uy, 150uy, 210uy)) (options 8 3)
            Expect.isLessThanOrEqual (jpeg |> Array.mapi (fun i v -> abs (int v - [| 90; 150; 210 |].[i / 64])) |> Array.max) 3 "JPEG flat colour"
        }

        test "a folder streams seeded batches: every epoch covers each image once, pixels exact, same seed same order" {
            inTempDir (fun dir ->
                writeFolder dir 6 SKEncodedImageFormat.Png 8
                Directory.CreateDirectory(Path.Combine(dir, "sub")) |> ignore
                File.WriteAllBytes(Path.Combine(dir, "sub", "img06.WEBP"), encode SKEncodedImageFormat.Webp 8 8 (colourOf 6))
                File.WriteAllText(Path.Combine(dir, "notes.txt"), "not an image")
                let stream seed = new StreamedImages(new FolderImages(dir), options 8 3, PixelScaling.MinusOneOne, seed, 2, quiet)
                use a = stream 3L
                Expect.equal (a.Name) $"{Path.GetFileName dir} (8x8x3)" "name"
                let batches = [ for _ in 1 .. 6 -> bytesOf (a.NextBatch 2) ]
                let sources = [ for i in 0 .. 6 -> expected i 8 0 0 ]
                for epoch in 0 .. 1 do
                    let seen = batches.[3 * epoch .. 3 * epoch + 2] |> List.concat
                    for image in seen do Expect.isTrue (List.contains image sources) "each decoded image is exactly one of the files"
                    Expect.equal (List.distinct seen).Length 6 $"epoch {epoch}: 6 distinct of 7 (tail of 1 skipped)"
                use b = stream 3L
                Expect.equal [ for _ in 1 .. 6 -> bytesOf (b.NextBatch 2) ] batches "same seed, same batches"
                Expect.equal b.Position (SamplerPosition(1L, 6L)) "position"
                Expect.isEmpty a.Skipped "nothing skipped")
        }

        test "LMDB of WebP/PNG values: read directly, a corrupt value is a counted skip naming its key, batches stay full" {
            inTempDir (fun dir ->
                let db = Path.Combine(dir, "bedroom_train_lmdb")
                let good i = struct ($"{i:D4}", encode (if i % 2 = 0 then SKEncodedImageFormat.Webp else SKEncodedImageFormat.Png) 8 10 (colourOf i))
                let broken = let struct (_, bytes) = good 5 in struct ("0005", bytes.[.. bytes.Length / 2])
                LmdbImages.Create(db, [ for i in 0 .. 4 -> good i ] @ [ broken ])
                let warnings = Collections.Generic.List<string>()
                use images = new StreamedImages(new LmdbImages(db), options 8 3, PixelScaling.MinusOneOne, 1L, 1, Action<string>(warnings.Add))
                let seen = [ for _ in 1 .. 6 -> bytesOf (images.NextBatch 3) ] |> List.concat
                Expect.equal seen.Length 18 "every batch full"
                let sources = [ for i in 0 .. 4 -> expected i 8 0 1 ]
                for image in seen do Expect.isTrue (List.contains image sources) "decoded, centre-cropped, exact"
                Expect.equal images.Skipped.Count 1 "one distinct skip"
                let skip = Seq.head images.Skipped
                Expect.stringContains skip.Key "key '0005'" "names the key"
                Expect.stringContains skip.Reason "corrupt" "says why"
                Expect.equal warnings.Count 1 "warned once")
        }

        test "restoring a position resumes exactly, with and without skips, through the background prefetcher" {
            inTempDir (fun dir ->
                writeFolder dir 5 SKEncodedImageFormat.Png 8
                File.WriteAllBytes(Path.Combine(dir, "img09.png"), [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy |])
                let direct () = new StreamedImages(new FolderImages(dir), options 8 3, PixelScaling.MinusOneOneDequantized, 4L, 1, quiet)
                use straight = direct ()
                let all = [ for _ in 1 .. 8 -> (straight.NextBatch 2).data<float32>().ToArray() ]
                use ahead = new Prefetcher(direct (), 3)
                Expect.equal [ for _ in 1 .. 3 -> (ahead.NextBatch 2).data<float32>().ToArray() ] (List.take 3 all) "prefetched = direct"
                let saved = ahead.Position
                use resumed = new Prefetcher(direct (), 2)
                resumed.Restore saved
                Expect.equal [ for _ in 1 .. 5 -> (resumed.NextBatch 2).data<float32>().ToArray() ] (List.skip 3 all) "batches 4-8, dequantisation noise included"
                let values = all |> Array.concat
                Expect.isTrue (values |> Array.forall (fun v -> v >= -1.0f && v < 1.0f)) "dequantised values in [-1, 1)")
        }

        test "the prefetcher rethrows a worker's error with its message, and hands out batches owned by the caller's scope" {
            inTempDir (fun dir ->
                File.WriteAllBytes(Path.Combine(dir, "a.png"), [| 1uy; 2uy; 3uy |])
                File.WriteAllBytes(Path.Combine(dir, "b.jpg"), [||])
                use ahead = new Prefetcher(new StreamedImages(new FolderImages(dir), options 8 3, PixelScaling.MinusOneOne, 0L, 1, quiet))
                throwsWith<InvalidDataException> "none of the 2 images found could be used" (fun () -> ahead.NextBatch 1 |> ignore))
            inTempDir (fun dir ->
                writeFolder dir 4 SKEncodedImageFormat.Png 8
                use ahead = new Prefetcher(new StreamedImages(new FolderImages(dir), options 8 3, PixelScaling.MinusOneOne, 0L, 1, quiet))
                let batch =
                    use scope = torch.NewDisposeScope()
                    ahead.NextBatch 2
                Expect.isTrue batch.IsInvalid "disposed with the scope it was taken in")
        }

        test "bad input: missing or empty folder, corrupt and too-small images, a folder that is not an LMDB database" {
            inTempDir (fun dir ->
                let missing = Path.Combine(dir, "nowhere")
                throwsWith<DirectoryNotFoundException> $"{missing}: image folder not found" (fun () -> new FolderImages(missing) |> ignore)
                throwsWith<InvalidDataException> $"{dir}: no images (expected files ending in .png" (fun () -> new FolderImages(dir) |> ignore)
                let o = options 8 3
                throwsWith<InvalidDataException> "4x4 is smaller than 8x8 (upscaling is off)" (fun () -> decode (encode SKEncodedImageFormat.Png 4 4 (colourOf 0)) o |> ignore)
                Expect.equal (decode (encode SKEncodedImageFormat.Png 4 4 (fun _ _ -> 9uy, 9uy, 9uy)) (ImageOptions(8, 3, true))).[63] 9uy "upscaling when allowed"
                let png = encode SKEncodedImageFormat.Png 8 8 (colourOf 0)
                let gradient = encode SKEncodedImageFormat.Png 64 64 (fun x y -> byte (x * 4), byte (y * 4), byte (x * y))
                throwsWith<InvalidDataException> "corrupt Png image (IncompleteInput)" (fun () -> decode gradient.[.. gradient.Length * 2 / 3] o |> ignore)
                throwsWith<InvalidDataException> "corrupt Png image (its header cannot be read)" (fun () -> decode png.[.. 20] o |> ignore)
                throwsWith<InvalidDataException> "not a PNG, JPEG or WebP image" (fun () -> decode [| 1uy; 2uy; 3uy; 4uy |] o |> ignore)
                throwsWith<InvalidDataException> "empty file" (fun () -> decode [||] o |> ignore)
                throwsWith<DirectoryNotFoundException> $"{missing}: LMDB database not found" (fun () -> new LmdbImages(missing) |> ignore)
                throwsWith<FileNotFoundException> $"{dir}: no data.mdb inside" (fun () -> new LmdbImages(dir) |> ignore)
                File.WriteAllBytes(Path.Combine(dir, "data.mdb"), Array.create 8192 7uy)
                throwsWith<InvalidDataException> $"{dir}: not a readable LMDB database" (fun () -> new LmdbImages(dir) |> ignore)
                throwsWith<ArgumentOutOfRangeException> "channels must be 1 (gray) or 3 (RGB)" (fun () -> ImageOptions(8, 2).Validate())
                throwsWith<ArgumentOutOfRangeException> "prefetch depth must be at least 1" (fun () ->
                    new Prefetcher(new ShuffledBatches(new LabelledImages("x", torch.zeros([| 2L; 1L; 2L; 2L |], dtype = torch.uint8), torch.zeros(2L, dtype = torch.int64)), 0L, PixelScaling.ZeroOne), 0) |> ignore))
        }
    ]
