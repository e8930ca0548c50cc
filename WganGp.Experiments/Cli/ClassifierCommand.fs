/// `wgangp classifier`: trains and describes the dataset classifiers behind classifier-IS / FID / KID.
module WganGp.Experiments.ClassifierCommand

open System
open System.IO
open Argu
open WganGp.Core.Metrics.Classifier

/// The labelled datasets a classifier can be trained on.
[<RequireQualifiedAccess>]
type ClassifierDataset =
    | [<CustomCommandLine("fashion-mnist")>] Fashion_Mnist
    | [<CustomCommandLine("mnist")>] Mnist

type TrainArgs =
    | [<Mandatory>] Dataset of ClassifierDataset
    | Path of dir: string
    | Pad of size: int
    | Epochs of count: int
    | Seed of seed: int
    | Batch_Size of count: int
    | [<Mandatory>] Out of file: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Dataset _ -> "fashion-mnist or mnist (IDX files: train-* for training, t10k-* for the test accuracy)"
            | Path _ -> "folder of the IDX files (default: /usr/share/datasets/fashion-mnist for fashion-mnist; required for mnist)"
            | Pad _ -> "zero-pad the 28x28 images to this size, e.g. 32 for the 32x32 architectures (default: 28, no padding)"
            | Epochs _ -> "passes over the training split (default 3)"
            | Seed _ -> "seed of the initial weights and the batch order (default 0)"
            | Batch_Size _ -> "images per Adam step (default 64)"
            | Out _ -> "weights file to write; its sidecar goes to FILE.json (keep trained weights out of git)"

type InfoArgs =
    | [<MainCommand; ExactlyOnce>] File of path: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | File _ -> "a classifier weights file (its sidecar FILE.json is printed after checking the hash)"

type ClassifierArgs =
    | [<CliPrefix(CliPrefix.None)>] Train of ParseResults<TrainArgs>
    | [<CliPrefix(CliPrefix.None)>] Info of ParseResults<InfoArgs>
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Train _ -> "train the small CNN of classifier scores with a fixed seed, report its test accuracy, save it with its hash"
            | Info _ -> "print a trained classifier's sidecar (dataset, seed, epochs, test accuracy, hash) after checking the hash"

/// What a classifier is trained on: the dataset preset's name and folder, and the input size.
type TrainingData = { Name: string; Folder: string; InputSize: int }

let private dataOf (args: ParseResults<TrainArgs>) =
    let size = args.GetResult(Pad, defaultValue = 28)
    let name, folder =
        match args.GetResult Dataset with
        | ClassifierDataset.Fashion_Mnist ->
            let preset = if size = 28 then Datasets.fashionMnist else Datasets.fashionMnist32
            let name = if size = 28 || size = 32 then preset.Name else $"{Datasets.fashionMnist.Name}-{size}"
            name, args.GetResult(Path, defaultValue = preset.Path)
        | ClassifierDataset.Mnist ->
            match args.TryGetResult Path with
            | Some path ->
                let preset = Datasets.mnist path
                (if size = 28 then preset.Name else $"{preset.Name}-{size}"), path
            | None -> failwith "mnist has no default location: pass --path DIR (the folder of train-images-idx3-ubyte[.gz] etc.)"
    { Name = name; Folder = folder; InputSize = size }

let private percent (x: float) = $"{100.0 * x:F2}%%"

/// Trains, evaluates and saves a classifier; the lines it prints are the run's record.
let train (args: ParseResults<TrainArgs>) =
    let data = dataOf args
    let options =
        ClassifierTrainingOptions(
            args.GetResult(Epochs, defaultValue = 3), int64 (args.GetResult(Seed, defaultValue = 0)),
            args.GetResult(Batch_Size, defaultValue = 64))
    let out = args.GetResult Out
    if not (Directory.Exists data.Folder) then
        failwith $"{data.Folder} not found: install Debian's dataset-fashion-mnist or pass --path DIR"
    use trainSet = ClassifierTraining.LoadSplit(data.Folder, true, data.InputSize)
    use testSet = ClassifierTraining.LoadSplit(data.Folder, false, data.InputSize)
    printfn $"training the classifier of {data.Name} ({data.InputSize}x{data.InputSize}) on {trainSet.Count} images from {data.Folder}"
    printfn $"  {options.Epochs} epochs, batch {options.BatchSize}, Adam {options.LearningRate}, seed {options.Seed}, {TorchSharp.torch.get_num_threads ()} threads"
    let progress (e: ClassifierEpoch) =
        printfn $"epoch {e.Epoch}/{e.Epochs}: loss {e.MeanLoss:F4}, train accuracy {percent e.TrainAccuracy}, {e.Seconds:F1} s"
    let card = ClassifierTraining.TrainAndSave(data.Name, trainSet, testSet, options, out, Action<ClassifierEpoch> progress)
    printfn $"test accuracy {percent card.TestAccuracy} on {card.TestCount} images; trained in {card.TrainSeconds:F1} s"
    printfn $"saved {out} sha256 {card.WeightsSha256} (sidecar {DatasetClassifier.SidecarOf out})"

/// Prints a classifier's sidecar once its weights match the recorded hash.
let info (args: ParseResults<InfoArgs>) =
    let file = args.GetResult File
    use network = DatasetClassifier.Load file
    match network.Card with
    | null -> failwith $"{file}: loaded without a sidecar"
    | card -> printfn $"{file} (hash verified)\n{card.ToJson()}"

/// Runs a `wgangp classifier` subcommand; its errors are handled by Cli.guard.
let run (args: ParseResults<ClassifierArgs>) =
    match args.GetSubCommand() with
    | Train t ->
        Cli.refuse [
            Cli.atLeast 28 "--pad" (t.TryGetResult Pad)
            Cli.atLeast 1 "--epochs" (t.TryGetResult Epochs)
            Cli.atLeast 1 "--batch-size" (t.TryGetResult Batch_Size) ]
        train t
    | Info i -> info i
    Cli.Exit.Ok
