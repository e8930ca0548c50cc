/// Real datasets: named presets for scripts, and opening one as a seeded, resumable batch source.
module WganGp.Experiments.Datasets

open System
open System.IO
open WganGp.Core.Data
open WganGp.Core.Data.Images
open WganGp.Experiments.Dsl

/// Fashion-MNIST as Debian's dataset-fashion-mnist installs it, training split, scaled to [-1, 1] for tanh generators
/// (the image scripts' convention). The default real dataset of examples and tests.
let fashionMnist =
    { Name = "fashion-mnist"; Path = "/usr/share/datasets/fashion-mnist"
      Format = Idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", None); Scaling = PixelScaling.MinusOneOne }

/// Fashion-MNIST zero-padded to 32 × 32 (2 pixels each side), for the 32 × 32 architecture matrix.
let fashionMnist32 =
    { fashionMnist with Name = "fashion-mnist-32"; Format = Idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", Some 32) }

/// Fashion-MNIST in [0, 1], for gan_mnist.py's pair (its generator ends in a sigmoid).
let fashionMnistZeroOne = { fashionMnist with Scaling = PixelScaling.ZeroOne }

/// MNIST's training split from IDX files in `path`, in [0, 1] as gan_mnist.py (its generator ends in a sigmoid).
let mnist path =
    { Name = "mnist"; Path = path; Format = Idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", None)
      Scaling = PixelScaling.ZeroOne }

/// CIFAR-10's training split (python or binary version) in [-1, 1] as gan_cifar.py.
let cifar10 path =
    { Name = "cifar10"; Path = path; Format = Cifar10 true; Scaling = PixelScaling.MinusOneOne }

/// CIFAR-10's training split dequantised as gan_cifar_resnet.py: 2(x/256 − 0.5) + U[0, 1/128).
let cifar10Dequantized path =
    { Name = "cifar10-dequantized"; Path = path; Format = Cifar10 true; Scaling = PixelScaling.MinusOneOneDequantized }

/// LSUN bedrooms as distributed (bedroom_train_lmdb), 64 × 64 RGB in [-1, 1] as gan_64x64.py scales its images.
let lsunBedrooms path =
    { Name = "lsun-bedroom"; Path = path; Format = Lmdb(ImageOptions(64, 3)); Scaling = PixelScaling.MinusOneOne }

/// Any folder of PNG/JPEG/WebP images at `size` × `size` RGB in [-1, 1].
let imageFolder name path size =
    { Name = name; Path = path; Format = ImageFolder(ImageOptions(size, 3)); Scaling = PixelScaling.MinusOneOne }

/// Google Billion Word's training text (the folder holding training-monolingual.tokenized.shuffled/) for
/// gan_language.py's character model: 32 characters per line, at most 10M lines and 2048 symbols, characters as bytes
/// as the Python 2 code had them (the default; `CharCorpusOptions.Utf8` reads Unicode characters instead).
let billionWord path =
    { Name = "billion-word"; Path = path; Format = TextFolder(WganGp.Core.Data.Text.CharCorpusOptions.Bytes); Scaling = PixelScaling.MinusOneOne }

/// The real datasets of a list, by name (toys have no files).
let realOf (datasets: Dataset list) =
    datasets |> List.choose (function Real d -> Some d | Toy _ -> None) |> List.distinctBy (fun d -> d.Name)

/// Parses `NAME=PATH` relocations given on the command line; names must be datasets of the experiment.
let relocations (known: RealData list) (pairs: string list) : Result<Map<string, string>, string list> =
    let names = known |> List.map (fun d -> d.Name)
    let listed = String.Join(", ", names)
    let parsed =
        pairs |> List.map (fun pair ->
            match pair.Split('=', 2) with
            | [| name; path |] when name <> "" && path <> "" ->
                if List.contains name names then Ok(name, path)
                else Error $"--data {pair}: no dataset named '{name}' in this experiment (its datasets: {listed})"
            | _ -> Error $"--data {pair}: expected NAME=PATH, e.g. lsun-bedroom=/data/lsun/bedroom_train_lmdb")
    match parsed |> List.choose (function Error e -> Some e | Ok _ -> None) with
    | [] -> Ok(parsed |> List.choose (function Ok p -> Some p | Error _ -> None) |> Map.ofList)
    | errors -> Error errors

/// The data's location after relocation.
let pathOf (relocated: Map<string, string>) (data: RealData) = relocated |> Map.tryFind data.Name |> Option.defaultValue data.Path

/// A message for each real dataset whose files are not where the experiment will look, so a grid stops before training.
let missing (relocated: Map<string, string>) (datasets: Dataset list) =
    [ for data in realOf datasets do
          let path = pathOf relocated data
          if not (Directory.Exists path || File.Exists path) then
              let package = if path = fashionMnist.Path then " (Debian/Ubuntu: apt-get install dataset-fashion-mnist)" else ""
              $"dataset {data.Name}: {path} not found{package}; put the data there or pass --data {data.Name}=PATH" ]

/// Opens a real dataset as seeded, resumable batches. Formats decoded on the fly (folders, LMDB) run on a background
/// prefetcher with `decodeThreads` decoding threads; in-memory formats are sampled directly.
let openReal (data: RealData) (path: string) (seed: int64) (decodeThreads: int) (warn: string -> unit) : IResumableBatchSource =
    data.Format.Open(path, data.Scaling, seed, decodeThreads, Action<string> warn)

/// The same dataset's held-out split (named <name>-test), when its format has one: the real-data ceiling of scores.
let heldOut (data: RealData) =
    data.Format.HeldOut |> Option.ofObj |> Option.map (fun split -> { data with Name = data.Name + "-test"; Format = split })

/// What `wgangp data` reports about a dataset: its size and batch shape, read speed, value range, skipped items;
/// optionally a PNG grid of the first batch.
let inspect (data: RealData) (path: string) (batches: int) (batchSize: int) (seed: int64) (decodeThreads: int) (preview: string option) =
    let opened = Diagnostics.Stopwatch.StartNew()
    use source = openReal data path seed decodeThreads (eprintfn "warning: %s")
    let openSeconds = opened.Elapsed.TotalSeconds
    let reading = Diagnostics.Stopwatch.StartNew()
    let mutable low, high, sum, count = Double.MaxValue, Double.MinValue, 0.0, 0L
    let mutable shape = [||]
    for b in 1 .. batches do
        use scope = TorchSharp.torch.NewDisposeScope()
        let batch = source.NextBatch batchSize
        shape <- batch.shape
        low <- min low (batch.min().item<float32>() |> float)
        high <- max high (batch.max().item<float32>() |> float)
        sum <- sum + (batch.sum().item<float32>() |> float)
        count <- count + batch.numel()
        if b = 1 then
            preview |> Option.iter (fun file ->
                if batch.dim() = 4L then ImageGrid.SavePng(batch, data.Scaling, file))
    let seconds = reading.Elapsed.TotalSeconds
    let shapeText = String.Join(" x ", shape)
    [ $"{data.Name} ({Names.format data.Format}, {data.Scaling}) at {path}, opened in {openSeconds:F2} s"
      $"batch shape [{shapeText}] float32; seed {seed}, position after reading: {source.Position}"
      $"read {batches} batches of {batchSize} in {seconds:F2} s: {float (batches * batchSize) / seconds:F0} items/s ({decodeThreads} decoding threads)"
      $"values in [{low:F3}, {high:F3}], mean {sum / float count:F4}" ]
    @ List.ofSeq (data.Format.Inspect source)
    @ (preview |> Option.map (fun f -> $"preview of the first batch: {f}") |> Option.toList)
