/// cell.json: the one description of a cell in its run directory — its names, its method as it describes itself, and
/// what a run directory needs to rebuild its networks and data without the grid script, so a finished or interrupted
/// run can be sampled and scored from its checkpoint alone (`wgangp sample`, `wgangp score`) and tabulated
/// (`wgangp table`). settings.json beside it records only the machine and the run.
module WganGp.Experiments.CellRecipe

open System
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open System.Text.Json.Serialization
open WganGp.Core.Data
open WganGp.Core.Nets
open WganGp.Core.Registry
open WganGp.Experiments.Dsl

let fileName = "cell.json"

/// The names a cell's table rows are grouped by, readable from any cell.json without building anything (an
/// architecture or data format a script defines included).
type CellNames =
    { Id: string
      Experiment: string
      Grid: string
      Dataset: string
      Architecture: string
      Method: string
      Seed: int
      /// The kind of the method's critic loss ("wasserstein", "bce-logits", "least-squares", ...): which losses a
      /// figure may draw on one axis.
      CriticLoss: string }

/// A cell as its run directory describes it, once.
type Recipe =
    { Id: string
      Experiment: string
      Grid: string
      /// The method as it describes itself (`Method.Describe()`: name, losses, constraint, optimiser), as JSON text.
      Method: string
      Architecture: Architecture
      /// What the networks were built from: normalisers (chosen from the method when the cell was built),
      /// initialisation, item shape and latent size.
      Networks: NetworkSpec
      Dataset: Dataset
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

/// A method's description as canonical JSON text (what `Recipe.Method` holds).
let describe (method: WganGp.Core.Methods.Method) = JsonSerializer.Serialize(method.Describe())

let private encodeDataset (dataset: Dataset) : JsonNode =
    let j = JsonObject()
    j["name"] <- JsonValue.Create(Names.dataset dataset)
    match dataset with
    | Toy kind -> j["toy"] <- node kind
    | Real data ->
        j["path"] <- JsonValue.Create data.Path
        j["format"] <- Kinds<DataFormat>.Encode data.Format
        j["scaling"] <- node data.Scaling
    j

let toJson (r: Recipe) =
    let j = JsonObject()
    j["id"] <- JsonValue.Create r.Id
    j["experiment"] <- JsonValue.Create r.Experiment
    j["grid"] <- JsonValue.Create r.Grid
    j["method"] <- JsonNode.Parse r.Method
    let architecture = Kinds<ArchitectureEntry>.Encode r.Architecture
    // Its name beside its identity, so tables read it without building the architecture.
    architecture.Insert(1, "name", JsonValue.Create r.Architecture.Name)
    j["architecture"] <- architecture
    let norms = JsonObject()
    norms["critic"] <- node r.Networks.Normalisers.Critic
    norms["generator"] <- node r.Networks.Normalisers.Generator
    j["normalisers"] <- norms
    j["init"] <- node r.Networks.Init
    j["dataset"] <- encodeDataset r.Dataset
    j["item_shape"] <- node r.Networks.ItemShape
    for name, value in [ "latent_dim", r.Networks.LatentDim; "batch_size", r.BatchSize; "seed", r.Seed; "iterations", r.Iterations
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

let private parse (file: string) (text: string) =
    try JsonNode.Parse text |> nonNull
    with :? JsonException as e -> failIn file $"not JSON ({e.Message})"

/// The names of a cell.json's cell (nothing is built).
let namesOfJson (file: string) (text: string) : CellNames =
    let root = parse file text
    let method = fieldIn file root "method"
    { Id = getIn file root "id"
      Experiment = getIn file root "experiment"
      Grid = getIn file root "grid"
      Dataset = getIn file (fieldIn file root "dataset") "name"
      Architecture = getIn file (fieldIn file root "architecture") "name"
      Method = getIn file method "name"
      Seed = getIn file root "seed"
      CriticLoss = getIn file method "critic_loss" }

let ofJson (file: string) (text: string) : Recipe =
    let root = parse file text
    let field = fieldIn file
    let decode (read: JsonNode -> 'a) (node: JsonNode) =
        try read node
        with :? InvalidDataException as e -> failIn file e.Message
    let dataset =
        let d = field root "dataset"
        match d["toy"] with
        | null ->
            Real { Name = getIn file d "name"; Path = getIn file d "path"; Format = decode Kinds<DataFormat>.Decode (field d "format")
                   Scaling = getIn file d "scaling" }
        | _ -> Toy(getIn file d "toy")
    let normalisers =
        let n = field root "normalisers"
        Normalisers(getIn file n "critic",
                    match n["generator"] with
                    | null -> Nullable()
                    | _ -> Nullable(getIn<Normaliser> file n "generator"))
    let s = field root "scoring"
    let optional (name: string) = match s[name] with null -> None | v -> Some(v.GetValue<int>())
    { Id = getIn file root "id"
      Experiment = getIn file root "experiment"
      Grid = getIn file root "grid"
      Method = (field root "method").ToJsonString()
      Architecture = decode Kinds<ArchitectureEntry>.Decode (field root "architecture")
      Networks = NetworkSpec(normalisers, getIn file root "init", getIn file root "item_shape", getIn file root "latent_dim")
      Dataset = dataset
      BatchSize = getIn file root "batch_size"
      Seed = getIn file root "seed"
      Iterations = getIn file root "iterations"
      SampleCount = getIn file root "sample_count"
      Scoring =
        { Splits = getIn file s "splits"; SampleBatch = optional "sample_batch"; Rounding = getIn file s "rounding"
          PaperSamples = optional "paper_samples"
          PaperEvaluation =
            match s["paper_evaluation"] with
            | null -> None
            | e -> Some { Every = getIn file e "every"; Samples = getIn file e "samples" } } }

/// A cell's description, with the spec its networks are built from (`Cells.networkSpec`).
let ofCell (cell: Cell) (spec: NetworkSpec) : Recipe =
    { Id = Cells.id cell; Experiment = cell.Experiment; Grid = cell.Grid; Method = describe cell.Method
      Architecture = cell.Architecture; Networks = spec; Dataset = cell.Dataset; BatchSize = cell.BatchSize
      Seed = cell.Seed; Iterations = cell.Iterations; SampleCount = cell.SampleCount; Scoring = cell.Scoring }

let write (runDirectory: string) (recipe: Recipe) =
    WganGp.Core.Training.AtomicFile.WriteText(Path.Combine(runDirectory, fileName), toJson recipe)

/// Whether a folder is a run directory: it holds a cell.json.
let isRunDirectory (dir: string) = File.Exists(Path.Combine(dir, fileName))

let private pathIn (runDirectory: string) =
    let path = Path.Combine(runDirectory, fileName)
    if not (Directory.Exists runDirectory) then raise (DirectoryNotFoundException $"{runDirectory}: no such run directory")
    if not (File.Exists path) then
        raise (FileNotFoundException $"{path} is missing: {runDirectory} is not a run directory written by `wgangp run`")
    path

/// The recipe of a run directory, or an error naming what is missing.
let read (runDirectory: string) : Recipe =
    let path = pathIn runDirectory
    ofJson path (File.ReadAllText path)

/// The names of a run directory's cell, or an error naming what is missing.
let readNames (runDirectory: string) : CellNames =
    let path = pathIn runDirectory
    namesOfJson path (File.ReadAllText path)

/// The generator of a recipe (built, not loaded).
let generator (recipe: Recipe) =
    let g, _, _ = Cells.networksOf recipe.Architecture recipe.Networks
    g.Invoke()

/// The run's generator as it started, untrained: built right after seeding torch with the run's seed, as the trainer
/// builds it (TrainingSession.Start), so its weights are the ones the run's iteration-0 evaluation scored.
let untrainedGenerator (recipe: Recipe) =
    TorchSharp.torch.manual_seed (int64 recipe.Seed) |> ignore
    generator recipe
