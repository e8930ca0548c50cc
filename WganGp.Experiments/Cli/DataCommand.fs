/// `wgangp data`: opens a dataset as training would and reports what it reads.
module WganGp.Experiments.DataCommand

open System
open Argu
open TorchSharp
open WganGp.Experiments.Dsl

/// The data formats `wgangp data` can open.
[<RequireQualifiedAccess>]
type DataFormatArg =
    | Idx
    | Cifar10
    | Folder
    | Lmdb
    | Text

type InspectArgs =
    | [<MainCommand; ExactlyOnce>] Path of path: string
    | [<Mandatory; AltCommandLine("-f")>] Format of DataFormatArg
    | Size of pixels: int
    | Channels of count: int
    | Split of train_or_t10k: string
    | Batches of count: int
    | Batch_Size of count: int
    | Seed of seed: int
    | Decode_Threads of count: int
    | Preview of png: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Path _ -> "the dataset: an IDX folder, an image folder, or an LMDB database folder (e.g. bedroom_train_lmdb)"
            | Format _ -> "idx (MNIST/Fashion-MNIST files), cifar10 (python or binary version), folder (PNG/JPEG/WebP), lmdb (LSUN) or text (Billion Word layout)"
            | Size _ -> "images: shorter side resized to this, then centre-cropped square (default 64)"
            | Channels _ -> "images: 3 (RGB, default) or 1 (gray)"
            | Split _ -> "idx: file prefix, train (default) or t10k; cifar10: train (default) or test"
            | Batches _ -> "batches to read (default 20)"
            | Batch_Size _ -> "images per batch (default 64)"
            | Seed _ -> "sampling seed (default 0)"
            | Decode_Threads _ -> "decoding threads for folders and LMDB (default 1)"
            | Preview _ -> "write the first batch as a PNG grid here"

/// The dataset `wgangp data` describes from its arguments.
let private dataOf (args: ParseResults<InspectArgs>) : RealData =
    let path = args.GetResult InspectArgs.Path
    let images () = WganGp.Core.Data.Images.ImageOptions(args.GetResult(InspectArgs.Size, defaultValue = 64), args.GetResult(InspectArgs.Channels, defaultValue = 3))
    let name = nonNull (IO.Path.GetFileName(IO.Path.GetFullPath(path).TrimEnd('/')))
    let scaling = WganGp.Core.Data.PixelScaling.MinusOneOne
    match args.GetResult Format with
    | DataFormatArg.Idx ->
        let prefix = args.GetResult(Split, defaultValue = "train")
        let pick stem = if IO.File.Exists(IO.Path.Combine(path, stem)) then stem else stem + ".gz"
        { Name = name; Path = path; Scaling = scaling
          Format = Idx(pick $"{prefix}-images-idx3-ubyte", pick $"{prefix}-labels-idx1-ubyte", None) }
    | DataFormatArg.Cifar10 ->
        { Name = name; Path = path; Scaling = scaling; Format = Cifar10(args.GetResult(Split, defaultValue = "train") <> "test") }
    | DataFormatArg.Folder -> { Name = name; Path = path; Scaling = scaling; Format = ImageFolder(images ()) }
    | DataFormatArg.Lmdb -> { Name = name; Path = path; Scaling = scaling; Format = Lmdb(images ()) }
    | DataFormatArg.Text -> { Name = name; Path = path; Scaling = scaling; Format = TextFolder(WganGp.Core.Data.Text.CharCorpusOptions.Bytes) }

/// `wgangp data PATH -f FORMAT`.
let run (d: ParseResults<InspectArgs>) : Cli.Exit =
    let split = d.TryGetResult Split
    Cli.refuse [
        Cli.atLeast 1 "--size" (d.TryGetResult InspectArgs.Size)
        Cli.oneOf [ 1; 3 ] "--channels" (d.TryGetResult InspectArgs.Channels)
        Cli.atLeast 1 "--batches" (d.TryGetResult Batches)
        Cli.atLeast 1 "--batch-size" (d.TryGetResult InspectArgs.Batch_Size)
        Cli.atLeast 1 "--decode-threads" (d.TryGetResult InspectArgs.Decode_Threads)
        (match d.GetResult Format with
         | DataFormatArg.Idx -> Cli.oneOf [ "train"; "t10k" ] "--split" split
         | DataFormatArg.Cifar10 -> Cli.oneOf [ "train"; "test" ] "--split" split
         | _ -> split |> Option.map (fun s -> $"--split {s}: only idx and cifar10 data have splits")) ]
    torch.set_num_threads Environment.ProcessorCount
    let data = dataOf d
    Datasets.inspect data data.Path (d.GetResult(Batches, defaultValue = 20)) (d.GetResult(InspectArgs.Batch_Size, defaultValue = 64))
        (int64 (d.GetResult(InspectArgs.Seed, defaultValue = 0))) (d.GetResult(InspectArgs.Decode_Threads, defaultValue = 1)) (d.TryGetResult Preview)
    |> Cli.printed
