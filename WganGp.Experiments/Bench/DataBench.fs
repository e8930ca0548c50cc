/// `wgangp bench data`: how fast images are read, decoded and resized from an LMDB database and from a folder, and
/// what share of a 64×64 DCGAN WGAN-GP training step is spent waiting for data behind the background prefetcher.
/// Measured on LSUN-like files it makes itself (or on the user's), all in one run so the numbers compare.
module WganGp.Experiments.DataBench

open System
open System.Diagnostics
open System.IO
open SkiaSharp
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Data.Images
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Training

type Options =
    { Folder: string option
      Lmdb: string option
      /// Synthesised images when no folder/LMDB is given.
      Images: int
      Size: int
      BatchSize: int
      Threads: int list
      /// Generator iterations of the training step measurement (each with 5 critic steps).
      Iterations: int
      Seed: int }

/// An LSUN-like photo: shorter side 256, the other 256–384, smooth shading plus shapes and grain, so the codecs work as
/// hard as on real photos (flat images would decode unrealistically fast).
let private photo (random: Random) =
    let w, h = (if random.Next 2 = 0 then 256 + random.Next 129, 256 else 256, 256 + random.Next 129)
    use bitmap = new SKBitmap(SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul))
    use canvas = new SKCanvas(bitmap)
    let colour () = SKColor(byte (random.Next 256), byte (random.Next 256), byte (random.Next 256))
    use shader = SKShader.CreateLinearGradient(SKPoint(0f, 0f), SKPoint(float32 w, float32 h), [| colour (); colour () |], SKShaderTileMode.Clamp)
    use fill = new SKPaint(Shader = shader)
    canvas.DrawRect(0f, 0f, float32 w, float32 h, fill)
    use paint = new SKPaint(IsAntialias = true)
    for _ in 1 .. 12 do
        paint.Color <- (colour ()).WithAlpha(byte (80 + random.Next 150))
        canvas.DrawCircle(float32 (random.Next w), float32 (random.Next h), float32 (10 + random.Next 80), paint)
    canvas.Flush()
    let pixels = bitmap.GetPixelSpan().ToArray()
    for i in 0 .. pixels.Length - 1 do
        if i % 4 <> 3 then pixels.[i] <- byte (Math.Clamp(int pixels.[i] + random.Next(-12, 13), 0, 255))
    use grainy = new SKBitmap(bitmap.Info)
    Runtime.InteropServices.Marshal.Copy(pixels, 0, grainy.GetPixels(), pixels.Length)
    use image = SKImage.FromBitmap grainy
    let encode (format: SKEncodedImageFormat) = (nonNull (image.Encode(format, 75))).ToArray()
    encode SKEncodedImageFormat.Jpeg, encode SKEncodedImageFormat.Webp

/// Writes `count` photos as JPEG files (a folder) and as WebP values (an LMDB database), as LSUN ships them.
let synthesise (dir: string) (count: int) (seed: int) =
    let random = Random seed
    let folder, lmdb = Path.Combine(dir, "folder"), Path.Combine(dir, "lmdb")
    Directory.CreateDirectory folder |> ignore
    let webps =
        [ for i in 0 .. count - 1 do
              let jpeg, webp = photo random
              File.WriteAllBytes(Path.Combine(folder, $"{i:D6}.jpg"), jpeg)
              yield struct ($"{i:D6}", webp) ]
    LmdbImages.Create(lmdb, webps)
    folder, lmdb

/// Images per second decoded and resized into batches by `threads` decoding threads.
let private decodeRate (store: IEncodedImages) (options: Options) threads =
    use images = new StreamedImages(store, ImageOptions(options.Size, 3), PixelScaling.MinusOneOne, int64 options.Seed, threads, ignore)
    images.Decoded options.BatchSize |> ignore   // warm-up: codecs, thread pool
    let batches = max 4 (int (store.Count / int64 options.BatchSize))
    let clock = Stopwatch.StartNew()
    for _ in 1 .. batches do images.Decoded options.BatchSize |> ignore
    float (batches * options.BatchSize) / clock.Elapsed.TotalSeconds

/// Trains the 64×64 DCGAN pair with WGAN-GP (5 critic steps, batch 64) on prefetched LMDB batches; returns the
/// training seconds, the seconds spent waiting for data, and of those the unavoidable wait for the very first batch.
let private trainingWait (lmdb: string) (options: Options) =
    use data =
        new Prefetcher(new StreamedImages(new LmdbImages(lmdb), ImageOptions(options.Size, 3), PixelScaling.MinusOneOne,
                                          int64 options.Seed, 1, ignore))
    let config =
        TrainConfig(Func<_>(fun () -> new DcganGenerator(128, 64, options.Size, 3) :> torch.nn.Module<torch.Tensor, torch.Tensor>),
                    Func<_>(fun () -> new DcganCritic(64, options.Size, 3, Normaliser.Layer) :> torch.nn.Module<torch.Tensor, torch.Tensor>),
                    128, data, Methods.WganGp, options.Iterations, options.BatchSize, int64 options.Seed)
    use result = Trainer.Run config
    if result.Status <> RunStatus.Finished || result.Iterations <> options.Iterations then
        failwith $"the benchmark's training run stopped: {result.Status} after {result.Iterations} of {options.Iterations} iterations"
    result.Seconds, data.WaitSeconds, data.StartWaitSeconds

let run (options: Options) =
    let scratch = Path.Combine(Path.GetTempPath(), $"wgangp-bench-{Guid.NewGuid():N}")
    try
        let folder, lmdb, source =
            match options.Folder, options.Lmdb with
            | Some f, Some l -> f, l, $"folder {f}; LMDB {l}"
            | _ ->
                printfn $"synthesising {options.Images} LSUN-like photos in {scratch}"
                let f, l = synthesise scratch options.Images options.Seed
                let described = $"{options.Images} synthesised LSUN-like photos (shorter side 256, longer 256-384; JPEG q75 files and WebP q75 LMDB values)"
                defaultArg options.Folder f, defaultArg options.Lmdb l, described
        let threads = torch.get_num_threads ()
        let lines = Collections.Generic.List<string>()
        let say (line: string) = printfn "%s" line; lines.Add line
        say $"## Data pipeline: decode + resize to {options.Size}x{options.Size} + centre crop, batch {options.BatchSize}"
        say ""
        say "| source | decoding threads | images/s |"
        say "|---|---:|---:|"
        for name, make in [ "LMDB (WebP)", (fun () -> new LmdbImages(lmdb) :> IEncodedImages); "folder (JPEG)", (fun () -> new FolderImages(folder)) ] do
            for t in options.Threads do
                say $"| {name} | {t} | {decodeRate (make ()) options t:F0} |"
        say ""
        let library = LmdbLibrary.Loaded |> Option.ofObj |> Option.defaultValue "?"
        say $"Data: {source}. LMDB read with {library}; {Environment.ProcessorCount} cores, torch threads {threads}."
        say ""
        let seconds, wait, startWait = trainingWait lmdb options
        say $"Training: DCGAN {options.Size}x{options.Size} (gan_64x64.py's pair, layer-norm critic), WGAN-GP with 5 critic steps, batch {options.BatchSize},"
        say $"{options.Iterations} generator iterations ({options.Iterations * 5} real batches) from the LMDB through the prefetcher (1 decoding thread):"
        let percent x = (100.0 * x / seconds).ToString("F2") + "%"
        say $"{seconds:F1} s training, {wait:F3} s waiting for data = {percent wait} of the time;"
        say $"without the first batch (nothing can be prefetched before the run starts, {startWait:F3} s): {percent (wait - startWait)}."
        List.ofSeq lines
    finally
        if Directory.Exists scratch then Directory.Delete(scratch, true)
