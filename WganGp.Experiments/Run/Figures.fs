/// Figure 1 of the paper: what the critic learns with weight clipping and with the gradient penalty. Its networks train
/// in run directories that resume from their checkpoints; Figure 1b/c's are cells with a cell.json (`wgangp sample` and
/// `score` read them); Figure 1a's critics train against a fixed generator that is not an architecture's, so its run
/// directories have none.
module WganGp.Experiments.Figures

open System
open System.IO
open System.Text.Json
open System.Text.Json.Nodes
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Metrics
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Experiments.Dsl

type private Module = torch.nn.Module<torch.Tensor, torch.Tensor>

/// gan_toy.py plots the critic over [−3, 3]² on a 128 × 128 grid.
let private extent, private resolution = 3.0, 128

let private toArray2 (t: torch.Tensor) =
    let v = t.cpu().``to``(torch.float32).data<float32>().ToArray()
    Array.init (v.Length / 2) (fun i -> float v.[2 * i], float v.[2 * i + 1])

/// Whether a figure's outputs exist and were made from the same settings (its <name>.json records them).
let private upToDate (dir: string) (name: string) (settings: obj) (outputs: string list) =
    let stamp = Path.Combine(dir, $"{name}.json")
    File.Exists stamp
    && outputs |> List.forall (fun f -> File.Exists(Path.Combine(dir, f)))
    && (match JsonNode.Parse(File.ReadAllText stamp) with
        | null -> false
        | recorded -> JsonNode.DeepEquals(recorded.["settings"], JsonSerializer.SerializeToNode settings))

/// Skips a figure that is up to date; otherwise makes it and writes <name>.json beside it: the settings, and the
/// command and date that made it.
let private cached (dir: string) (command: string) (name: string) (settings: obj) (outputs: string list) (make: unit -> unit) =
    let stamp = Path.Combine(dir, $"{name}.json")
    if upToDate dir name settings outputs then printfn $"  {name}: up to date ({stamp})"
    else
        make ()
        let record = JsonObject()
        record.["command"] <- JsonValue.Create command
        record.["made"] <- JsonValue.Create(DateTime.UtcNow.ToString "yyyy-MM-dd")
        record.["settings"] <- JsonSerializer.SerializeToNode settings
        AtomicFile.WriteText(stamp, record.ToJsonString(JsonSerializerOptions(WriteIndented = true)))

/// The folder of a figure's training runs: named by a hash of the figure's settings, so a run is resumed only by the
/// same figure (another budget gets fresh runs, as a cell's id does).
let private runsFolder (dir: string) (name: string) (settings: obj) =
    let hash = Security.Cryptography.SHA256.HashData(Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize settings))
    Path.Combine(dir, $"{name}-runs-{Convert.ToHexString(hash).Substring(0, 8).ToLowerInvariant()}")

/// A figure's network pair trains as a cell does: in its own run directory (settings, log, status), with checkpoints
/// a rerun resumes from (a finished run is loaded from its last one, not trained again).
let private checkpoints iterations = CheckpointOptions(max 1 (iterations / Defaults.checkpointFraction))

let private describe (m: Method) = m.Describe()

let private fixedGeneratorName =
    function
    | RealPlusNoise -> "real + N(0, I) on the critic's real batch (gan_toy.py)"
    | IndependentRealPlusNoise -> "an independent real batch + N(0, I)"

/// Figure 1a: one critic per (method, dataset), trained with the generator fixed at real data + N(0, I) noise (as
/// `spec.FixedGenerator` says); rows are methods (the paper: clipping on top, penalty below), columns datasets.
let private surfacesSettings (iterations: int) (spec: CriticSurfaces) : obj =
    dict [ "figure", box "1a"; "datasets", box [ for d in spec.Datasets -> ToyDataset.NameOf d ]
           "methods", box [ for m in spec.Methods -> describe m ]
           "architecture", box (Names.architecture spec.Architecture)
           "iterations", box iterations; "batch_size", box spec.BatchSize; "seed", box spec.Seed
           "fixed_generator", box (fixedGeneratorName spec.FixedGenerator) ]

let criticSurfaces (dir: string) (command: string) (cancel: Threading.CancellationToken) (iterations: int) (spec: CriticSurfaces) =
    let settings = surfacesSettings iterations spec
    let runs = runsFolder dir "figure1a" settings
    cached dir command "figure1a" settings [ "figure1a.png" ] (fun () ->
        let _, critic, _ = Cells.networks spec.Architecture spec.Methods.Head WganGp.Core.Nets.InitScheme.Tflib [| 2L |]
        let panels =
            [ for method in spec.Methods do
                  for kind in spec.Datasets do
                      use data = ToyDataset.Create(kind, Seeds.FigureData(int64 spec.Seed))
                      use fixedData = ToyDataset.Create(kind, Seeds.FigureFixedGenerator(int64 spec.Seed))
                      // gan_toy.py's fakes are the critic step's own real batch plus noise; the independent variant
                      // draws them around a second real stream. The generator module only samples (it has no parameters).
                      let stepMethod =
                          match spec.FixedGenerator with
                          | RealPlusNoise -> FixedGeneratorMethod(method) :> Method
                          | IndependentRealPlusNoise -> method
                      let config =
                          TrainConfig(Func<Module>(fun () -> new NoiseAroundData(fixedData)), critic, 2, data, stepMethod,
                                      iterations, spec.BatchSize, int64 spec.Seed,
                                      RunDirectory = Path.Combine(runs, Curves.fileSafe $"{method.Name}-{ToyDataset.NameOf kind}"),
                                      Checkpoints = checkpoints iterations)
                      use result = Trainer.Run(config, null, cancel)
                      use points = data.NextBatch 512
                      printfn $"  figure 1a: {method.Name} on {ToyDataset.NameOf kind}: {iterations} iterations, {result.Seconds:F1} s"
                      { Plots.Title = $"{method.Name}, {ToyDataset.NameOf kind}"
                        Plots.Extent = extent
                        Plots.Values = CriticProbe.Surface(result.Critic, extent, resolution)
                        Plots.Points = toArray2 points } ]
        Plots.criticSurfaces (Path.Combine(dir, "figure1a.png")) spec.Datasets.Length panels)

/// Figures 1b and 1c: deep MLP GANs on one toy set, weight clipping at each c and the gradient penalty; at the end, the
/// norm of the critic loss's gradient at every layer (1b, also written as figure1b.csv) and the weight histograms of
/// the critic (1c: clipping with the c closest to 0.01, and the penalty).
let private gradientsSettings (iterations: int) (spec: DeepCriticGradients) : obj =
    dict [ "figure", box "1bc"; "dataset", box (ToyDataset.NameOf spec.Dataset)
           "architecture", box (Names.architecture spec.Architecture)
           "clipping", box (describe spec.Clipping); "clip_values", box spec.ClipValues
           "penalty", box (describe spec.Penalty)
           "iterations", box iterations; "batch_size", box spec.BatchSize; "seed", box spec.Seed ]

let private gradientsOutputs = [ "figure1b.png"; "figure1c.png"; "figure1b.csv" ]

let deepCriticGradients (dir: string) (command: string) (cancel: Threading.CancellationToken) (iterations: int) (spec: DeepCriticGradients) =
    let settings = gradientsSettings iterations spec
    let folder = runsFolder dir "figure1bc" settings
    cached dir command "figure1bc" settings gradientsOutputs (fun () ->
        let generator, critic, latent = Cells.networks spec.Architecture spec.Penalty WganGp.Core.Nets.InitScheme.Tflib [| 2L |]
        // The probe takes the gradient at each layer's input: refused before anything trains when the critic cannot say.
        (use probe = critic.Invoke()
         if not (box probe :? ILayerInputs) then
             failwith $"Figure 1b takes the gradient at each layer's input, and the critic of {spec.Architecture.Name} does not report its layer inputs (ILayerInputs); use ToyMlp")
        let methods =
            [ for c in spec.ClipValues do
                  yield c, spec.Clipping.WithConstraint(WeightClipping c).WithName($"weight clipping (c = {c})")
              yield nan, spec.Penalty.WithName("gradient penalty") ]
        let runs =
            [ for c, method in methods do
                  use data = ToyDataset.Create(spec.Dataset, Seeds.FigureData(int64 spec.Seed))
                  let name = if Double.IsNaN c then "gradient-penalty" else $"clipping-{c}"
                  let runDirectory = Path.Combine(folder, Curves.fileSafe name)
                  // A cell like a grid's: cell.json describes it, so `wgangp sample` and `score` read its checkpoints.
                  let cell =
                      { Experiment = Path.GetFileName(Path.GetFullPath dir) |> nonNull; Grid = "figure1bc"; Dataset = Toy spec.Dataset
                        Architecture = spec.Architecture; Method = method; Seed = spec.Seed; Iterations = iterations
                        BatchSize = spec.BatchSize; SampleCount = Defaults.sampleCount; Init = InitScheme.Tflib; Scoring = ScoreProtocol.standard }
                  Directory.CreateDirectory runDirectory |> ignore
                  CellRecipe.write runDirectory (CellRecipe.ofCell cell (Cells.networkSpec spec.Architecture method InitScheme.Tflib [| 2L |]))
                  let config =
                      TrainConfig(generator, critic, latent, data, method, iterations, spec.BatchSize, int64 spec.Seed,
                                  RunDirectory = runDirectory, Checkpoints = checkpoints iterations)
                  use result = Trainer.Run(config, null, cancel)
                  use real = data.NextBatch spec.BatchSize
                  use fake = Sampler.Sample(result.Generator, spec.BatchSize, spec.BatchSize, latent, torch.CPU)
                  let norms = CriticProbe.LayerGradientNorms(unbox<ILayerInputs> (box result.Critic), real, fake)
                  printfn $"  figure 1b: {method.Name}: {iterations} iterations, {result.Seconds:F1} s, status {result.Status}"
                  c, method.Name, norms, CriticProbe.Weights result.Critic ]
        Plots.layerGradientNorms (Path.Combine(dir, "figure1b.png")) $"Deep critic ({Names.architecture spec.Architecture}) on {ToyDataset.NameOf spec.Dataset}"
            [ for _, name, norms, _ in runs -> name, norms ]
        let header = "method," + String.Join(",", [ for l in 1 .. (runs.Head |> fun (_, _, n, _) -> n.Length) -> $"layer{l}" ])
        let rows = [ for _, name, norms, _ in runs -> name + "," + String.Join(",", norms |> Array.map (fun v -> v.ToString("G6", Globalization.CultureInfo.InvariantCulture))) ]
        AtomicFile.WriteText(Path.Combine(dir, "figure1b.csv"), String.Join("\n", header :: rows) + "\n")
        let clipped = runs |> List.filter (fun (c, _, _, _) -> not (Double.IsNaN c)) |> List.minBy (fun (c, _, _, _) -> abs (log10 c + 2.0))
        let penalty = runs |> List.find (fun (c, _, _, _) -> Double.IsNaN c)
        Plots.weightHistograms (Path.Combine(dir, "figure1c.png"))
            [ let c, name, _, w = clipped in name, Array.map float w, 2.0 * c
              let _, name, _, w = penalty in name, Array.map float w, 0.5 ])

/// The name a figure's files and `--figure` go by.
let name =
    function
    | Figure1a _ -> "figure1a"
    | Figure1bc _ -> "figure1bc"

/// Every figure's name with the data files it writes beside its images: what a reproduction compares value by value
/// (`Compare`); the images are drawn from them or from trained critics and are not compared.
let dataFiles = [ "figure1a", []; "figure1bc", [ "figure1b.csv" ] ]

/// Its training iterations under a budget (the script's, scaled, or the paper's).
let iterationsOf (budget: Cells.Budget) =
    function
    | Figure1a spec -> Cells.iterations budget spec.Iterations spec.PaperIterations
    | Figure1bc spec -> Cells.iterations budget spec.Iterations spec.PaperIterations

/// Whether the figure is made, from the same settings, in the experiment's folder (a rerun would skip it).
let isMade (dir: string) (budget: Cells.Budget) (figure: Figure) =
    let iterations = iterationsOf budget figure
    match figure with
    | Figure1a spec -> upToDate dir (name figure) (surfacesSettings iterations spec) [ "figure1a.png" ]
    | Figure1bc spec -> upToDate dir (name figure) (gradientsSettings iterations spec) gradientsOutputs

/// Makes the figure in the experiment's folder, unless it is made (its runs resume from their checkpoints).
let make (dir: string) (command: string) (cancel: Threading.CancellationToken) (budget: Cells.Budget) (figure: Figure) =
    match figure with
    | Figure1a spec -> criticSurfaces dir command cancel (iterationsOf budget figure) spec
    | Figure1bc spec -> deepCriticGradients dir command cancel (iterationsOf budget figure) spec
