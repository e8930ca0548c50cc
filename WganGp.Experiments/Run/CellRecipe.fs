/// cell.json: what a run directory needs to rebuild its networks and data without the grid script, so a finished or
/// interrupted run can be sampled and scored from its checkpoint alone (`wgangp sample`, `wgangp score`).
module WganGp.Experiments.CellRecipe

open System
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open System.Text.Json.Serialization
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Experiments.Dsl

let fileName = "cell.json"

/// Where a cell stands in its experiment: the names its table rows are grouped by (with the dataset's and the
/// architecture's, which the recipe's values give).
type CellNames = { Experiment: string; Grid: string; Method: string }

/// A cell as its run directory describes it, once: what shapes its networks and data, and its names.
type Recipe =
    { Id: string
      /// None in cell.json files written before the names moved there (their settings.json holds them).
      Names: CellNames option
      Architecture: Architecture
      /// The normalisers the networks were built with (chosen from the method when the cell was built).
      Normalisers: WganGp.Core.Nets.Normalisers
      Init: WganGp.Core.Nets.InitScheme
      Dataset: Dataset
      ItemShape: int64[]
      LatentDim: int
      BatchSize: int
      Seed: int
      Iterations: int
      /// Samples the run scored at its end (`wgangp score`'s default N).
      SampleCount: int
      /// How the run scored its samples (`wgangp score` and `sample` do the same).
      Scoring: ScoreProtocol }

let private options =
    let o = JsonSerializerOptions(WriteIndented = true)
    o.Converters.Add(JsonStringEnumConverter())
    o

let private node (value: 'a) : JsonNode | null = JsonSerializer.SerializeToNode(value, options)

let private object (kind: string) (fields: (string * (JsonNode | null)) list) : JsonNode =
    let j = JsonObject()
    j["kind"] <- JsonValue.Create kind
    for name, value in fields do j[name] <- value
    j

let private encodeArchitecture (architecture: Architecture) : JsonNode =
    let o = object
    match architecture with
    | ToyMlp (width, layers) -> o "toy-mlp" [ "width", node width; "layers", node layers ]
    | Figure2 (variant, size, channels, width) ->
        o "figure2" [ "variant", node variant; "size", node size; "channels", node channels; "width", node width ]
    | CifarResNet conditional -> o "cifar-resnet" [ "conditional", node conditional ]
    | CifarDcgan (channels, width) -> o "cifar-dcgan" [ "channels", node channels; "width", node width ]
    | MnistDcgan -> o "mnist-dcgan" []
    | CharResNet -> o "char-resnet" []
    | RandomArch r -> o "random" [ "spec", node r ]

let private encodeFormat (format: DataFormat) : JsonNode =
    let o = object
    match format with
    | Idx (images, labels, padTo) -> o "idx" [ "images", node images; "labels", node labels; "pad_to", node (Option.toNullable padTo) ]
    | Cifar10 train -> o "cifar10" [ "train", node train ]
    | ImageFolder opts -> o "folder" [ "options", node opts ]
    | Lmdb opts -> o "lmdb" [ "options", node opts ]
    | Text opts -> o "text" [ "options", node opts ]

let private encodeDataset (dataset: Dataset) : JsonNode =
    let j = JsonObject()
    match dataset with
    | Toy kind -> j["toy"] <- node kind
    | Real data ->
        j["name"] <- JsonValue.Create data.Name
        j["path"] <- JsonValue.Create data.Path
        j["format"] <- encodeFormat data.Format
        j["scaling"] <- node data.Scaling
    j

let toJson (r: Recipe) =
    let j = JsonObject()
    j["id"] <- JsonValue.Create r.Id
    match r.Names with
    | Some names ->
        j["experiment"] <- JsonValue.Create names.Experiment
        j["grid"] <- JsonValue.Create names.Grid
        j["method"] <- JsonValue.Create names.Method
    | None -> ()
    j["architecture"] <- encodeArchitecture r.Architecture
    let norms = JsonObject()
    norms["critic"] <- node r.Normalisers.Critic
    norms["generator"] <- node r.Normalisers.Generator
    j["normalisers"] <- norms
    j["init"] <- node r.Init
    j["dataset"] <- encodeDataset r.Dataset
    j["item_shape"] <- node r.ItemShape
    for name, value in [ "latent_dim", r.LatentDim; "batch_size", r.BatchSize; "seed", r.Seed; "iterations", r.Iterations
                         "sample_count", r.SampleCount ] do
        j[name] <- JsonValue.Create value
    let scoring = JsonObject()
    scoring["splits"] <- JsonValue.Create r.Scoring.Splits
    scoring["sample_batch"] <- node (Option.toNullable r.Scoring.SampleBatch)
    scoring["rounding"] <- node r.Scoring.Rounding
    scoring["paper_samples"] <- node (Option.toNullable r.Scoring.PaperSamples)
    match r.Scoring.PaperEvaluation with
    | Some e -> scoring["paper_evaluation"] <- node (dict [ "every", e.Every; "samples", e.Samples ])
    | None -> ()
    j["scoring"] <- scoring
    j.ToJsonString options

/// Reads a cell.json back; any missing or malformed field is an error naming the file and the field.
let private failIn (file: string) (what: string) = raise (InvalidDataException $"{file}: {what}")

let private fieldIn (file: string) (parent: JsonNode) (name: string) : JsonNode =
    match parent[name] with
    | null -> failIn file $"field '{name}' is missing"
    | v -> v

let private getIn<'T> (file: string) (parent: JsonNode) (name: string) : 'T =
    let value =
        try (fieldIn file parent name).Deserialize(typeof<'T>, options)
        with
        | :? JsonException | :? InvalidOperationException | :? FormatException as e -> failIn file $"field '{name}': {e.Message}"
    match value with
    | null -> failIn file $"field '{name}' is null"
    | v -> unbox<'T> v

let ofJson (file: string) (text: string) : Recipe =
    let fail (what: string) = failIn file what
    let root =
        try JsonNode.Parse text |> nonNull
        with :? JsonException as e -> fail $"not JSON ({e.Message})"
    let field = fieldIn file
    let architecture =
        let a = field root "architecture"
        match getIn<string> file a "kind" with
        | "toy-mlp" -> ToyMlp(getIn file a "width", getIn file a "layers")
        // Runs recorded before the width knob hold no width: theirs is the paper's.
        | "figure2" -> Figure2(getIn file a "variant", getIn file a "size", getIn file a "channels", (match a["width"] with null -> 1.0 | w -> w.GetValue<float>()))
        | "cifar-resnet" -> CifarResNet(getIn file a "conditional")
        // Runs recorded before the pair had channels and width were the paper's (3 channels, DIM 128).
        | "cifar-dcgan" ->
            CifarDcgan((match a["channels"] with null -> 3 | c -> c.GetValue<int>()), (match a["width"] with null -> 1.0 | w -> w.GetValue<float>()))
        | "mnist-dcgan" -> MnistDcgan
        | "char-resnet" -> CharResNet
        | "random" -> RandomArch(getIn file a "spec")
        | other -> fail $"architecture kind '{other}' is not one this build knows"
    let dataset =
        let d = field root "dataset"
        match d["toy"] with
        | null ->
            let f = field d "format"
            let format =
                match getIn<string> file f "kind" with
                | "idx" -> Idx(getIn file f "images", getIn file f "labels", (match f["pad_to"] with null -> None | v -> Some(v.GetValue<int>())))
                | "cifar10" -> Cifar10(getIn file f "train")
                | "folder" -> ImageFolder(getIn file f "options")
                | "lmdb" -> Lmdb(getIn file f "options")
                | "text" -> Text(getIn file f "options")
                | other -> fail $"data format '{other}' is not one this build knows"
            Real { Name = getIn file d "name"; Path = getIn file d "path"; Format = format; Scaling = getIn file d "scaling" }
        | _ -> Toy(getIn file d "toy")
    { Id = getIn file root "id"
      Names =
        match root["method"] with
        | null -> None
        | _ -> Some { Experiment = getIn file root "experiment"; Grid = getIn file root "grid"; Method = getIn file root "method" }
      Architecture = architecture
      Normalisers =
        match root["normalisers"] with
        | null ->
            // cell.json before the normalisers were recorded named the constraint's family; its paper default gives
            // the same normalisers the run was built with.
            let family: ILipschitzConstraint =
                match getIn<string> file root "constraint" with
                | "Penalty" -> GradientPenalty()
                | "Clipping" -> WeightClipping()
                | "Unconstrained" -> NoConstraint()
                | other -> fail $"constraint '{other}' is not Penalty, Clipping or Unconstrained"
            Cells.normalisers architecture family
        | n ->
            WganGp.Core.Nets.Normalisers(
                getIn file n "critic",
                match n["generator"] with
                | null -> Nullable()
                | _ -> Nullable(getIn<WganGp.Core.Nets.Normalization> file n "generator"))
      Init = getIn file root "init"
      Dataset = dataset
      ItemShape = getIn file root "item_shape"
      LatentDim = getIn file root "latent_dim"
      BatchSize = getIn file root "batch_size"
      Seed = getIn file root "seed"
      Iterations = getIn file root "iterations"
      // Runs recorded before these fields were scored by this project's protocol on 2,000 samples (`score`'s old default).
      SampleCount = (match root["sample_count"] with null -> 2000 | _ -> getIn file root "sample_count")
      Scoring =
        match root["scoring"] with
        | null -> ScoreProtocol.standard
        | s ->
            let optional (name: string) = match s[name] with null -> None | v -> Some(v.GetValue<int>())
            { Splits = getIn file s "splits"; SampleBatch = optional "sample_batch"; Rounding = getIn file s "rounding"
              PaperSamples = optional "paper_samples"
              PaperEvaluation =
                match s["paper_evaluation"] with
                | null -> None
                | e -> Some { Every = getIn file e "every"; Samples = getIn file e "samples" } } }

let write (runDirectory: string) (recipe: Recipe) =
    WganGp.Core.Training.AtomicFile.WriteText(Path.Combine(runDirectory, fileName), toJson recipe)

/// The recipe of a run directory, or an error naming what is missing.
let read (runDirectory: string) : Recipe =
    let path = Path.Combine(runDirectory, fileName)
    if not (Directory.Exists runDirectory) then raise (DirectoryNotFoundException $"{runDirectory}: no such run directory")
    if not (File.Exists path) then
        raise (FileNotFoundException $"{path} is missing: {runDirectory} is not a run directory written by `wgangp run` (or predates cell.json)")
    ofJson path (File.ReadAllText path)

/// The generator of a recipe (built, not loaded).
let generator (recipe: Recipe) =
    let g, _, _ = Cells.networksWith recipe.Architecture recipe.Normalisers recipe.Init recipe.ItemShape
    g.Invoke()

/// The run's generator as it started, untrained: built right after seeding torch with the run's seed, as the trainer
/// builds it (TrainingSession.Start), so its weights are the ones the run's iteration-0 evaluation scored.
let untrainedGenerator (recipe: Recipe) =
    TorchSharp.torch.manual_seed (int64 recipe.Seed) |> ignore
    generator recipe
