// How to define a data format in a script (the README's example; the test suite writes such a file and takes it
// through run and sample as separate processes):
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/custom-dataset.fsx --data raw-digits=/path/to/folder
// A format is a class deriving from DataFormat with a kind: its constructor's arguments are what cell.json records
// (and, through Describe, what the cell id hashes); it opens the files as seeded batches and says what kind of data
// they hold. Everything else — training, checkpoints, sample grids, tables — is the framework's.
open System.IO
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Data.Formats
open WganGp.Core.Nets
open WganGp.Core.Registry
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

/// Raw 8-bit images: `file` (under the dataset's path) holds N × channels × size × size bytes, nothing else.
[<Kind("raw-u8")>]
type RawBytes(file: string, channels: int, size: int) =
    inherit DataFormat()
    member _.File = file
    member _.Channels = channels
    member _.Size = size
    override _.Describe() = $"raw-u8 {file} {channels}x{size}x{size}"
    override _.Data = DataKind.Images
    override _.Open(path, scaling, seed, _, _) =
        let bytes = File.ReadAllBytes(Path.Combine(path, file))
        let item = channels * size * size
        if bytes.Length = 0 || bytes.Length % item <> 0 then
            raise (InvalidDataException $"{Path.Combine(path, file)}: {bytes.Length} bytes is not a whole number of {channels}x{size}x{size} images")
        let n = int64 (bytes.Length / item)
        let images = torch.tensor(bytes).reshape(n, int64 channels, int64 size, int64 size)
        new ShuffledBatches(new LabelledImages(file, images, torch.zeros(n, dtype = torch.int64)), seed, scaling, true)

/// 16 × 16 grayscale images in raw bytes, in [-1, 1] for the tanh generator.
let digits =
    { Name = "raw-digits"; Path = "data/raw-digits"; Format = RawBytes("images.u8", 1, 16); Scaling = PixelScaling.MinusOneOne }

/// Figure 2's DCGAN pair at 16 × 16 × 1 and a quarter of the paper's width, under WGAN-GP.
let grid =
    { Grid.named "raw" with
        Datasets = [ Real digits ]
        Architectures = [ Figure2(Figure2Variant.Dcgan, 16, 1, 0.25) ]
        Methods = [ wganGp ]
        Seeds = [ 0 ]
        Iterations = 200
        BatchSize = 64
        SampleCount = 256 }

let experiment = { Experiment.named "custom-dataset" with Grids = [ grid ] }
