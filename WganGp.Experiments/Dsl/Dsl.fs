/// The experiment language: what to run, never how. Scripts in experiments/*.fsx build an `Experiment` value from
/// these types; the runner expands it into cells. Methods and optimisers are the core's values (WganGp.Core.Methods),
/// so a variant defined in C# or in the script itself is used exactly like a built-in one.
module WganGp.Experiments.Dsl

open WganGp.Core.Data
open WganGp.Core.Data.Images
open WganGp.Core.Methods

/// How a real dataset's files are laid out and decoded: an entry of the data-format registry
/// (`WganGp.Core.Data.Formats.DataFormat`), built with the constructors below; a script adds a format by deriving from
/// `DataFormat`.
type DataFormat = WganGp.Core.Data.Formats.DataFormat

/// IDX image and label files (MNIST, Fashion-MNIST), gzip or raw, named relative to the dataset's path; optionally
/// zero-padded (centred) to a square size, e.g. 28 → 32 for the power-of-two architectures.
let Idx (images: string, labels: string, padTo: int option) : DataFormat =
    WganGp.Core.Data.Formats.IdxFormat(images, labels, Option.toNullable padTo)

/// CIFAR-10 in either published version (python pickles or binary, detected from the files); training or test split.
let Cifar10 (train: bool) : DataFormat = WganGp.Core.Data.Formats.Cifar10Split(train)

/// Every PNG, JPEG and WebP file under a folder, resized (shorter side) and centre-cropped.
let ImageFolder (options: ImageOptions) : DataFormat = WganGp.Core.Data.Formats.ImageFolderFormat(options)

/// An LMDB database whose values are encoded images, as LSUN is distributed; resized and centre-cropped.
let Lmdb (options: ImageOptions) : DataFormat = WganGp.Core.Data.Formats.LmdbFormat(options)

/// Text laid out as Billion Word's training folder, for the character language model (one-hot [B, 32, V]).
let TextFolder (options: WganGp.Core.Data.Text.CharCorpusOptions) : DataFormat = WganGp.Core.Data.Formats.TextFormat(options)

/// A dataset the user brings. `Name` appears in cell ids and tables and is what `--data NAME=PATH` relocates; `Path`
/// is where it is looked for by default. The path is not part of a cell's id: moving the data does not restart runs.
type RealData =
    { Name: string
      Path: string
      Format: DataFormat
      Scaling: PixelScaling }

/// Where the real data comes from.
type Dataset =
    /// A 2-D toy distribution of gan_toy.py.
    | Toy of ToyKind
    /// Files in a published format.
    | Real of RealData

/// A generator/critic pair: an entry of the architecture registry (`WganGp.Core.Nets.ArchitectureEntry`). The paper's
/// pairs are built with the constructors below; a script defines its own by deriving from `ArchitectureEntry` (see
/// experiments/custom-architecture.fsx) and uses it in a grid exactly like these.
type Architecture = WganGp.Core.Nets.ArchitectureEntry

/// gan_toy.py's ReLU MLPs: `layers` Linear layers of `width` units (2-512-512-512-{2,1} is width 512, 4 layers).
let ToyMlp (width: int, layers: int) : Architecture = WganGp.Core.Nets.ToyMlpEntry(width, layers)

/// A row of Figure 2 (gan_64x64.py) at `size` × `size` with `channels` image channels (64, 3 for LSUN; 32, 1 for the
/// small matrix) and `width` times the code's channel counts (DIM = 64·width; 1.0 is the paper's); the critic's
/// normaliser follows the method (layer norm under the penalty, batch norm otherwise).
let Figure2 (variant: WganGp.Core.Nets.Figure2Variant, size: int, channels: int, width: float) : Architecture =
    WganGp.Core.Nets.Figure2Entry(variant, size, channels, width)

/// gan_cifar_resnet.py's ResNet (Table 3) for 32 × 32 × 3; `conditional`: conditional batch norm in G and the
/// auxiliary classifier head in the critic, for AC-WGAN-GP.
let CifarResNet (conditional: bool) : Architecture = WganGp.Core.Nets.CifarResNetEntry(conditional)

/// gan_cifar.py's DCGAN-style pair (Figure 3) for 32 × 32 images with `channels` channels at `width` times the code's
/// DIM (128): (3, 1.0) is the paper's (Paper.Cifar.dcganPair); no normaliser in the critic under WGAN-GP.
let CifarDcgan (channels: int, width: float) : Architecture = WganGp.Core.Nets.CifarDcganEntry(channels, width)

/// gan_mnist.py's pair, 28 × 28 × 1 in [0, 1]; batch norm only under weight clipping (the code's mode 'wgan').
let MnistDcgan : Architecture = WganGp.Core.Nets.MnistDcganEntry()

/// gan_language.py's 1-D convolutional ResNets over [32, V]; V comes from the data's vocabulary.
let CharResNet : Architecture = WganGp.Core.Nets.CharResNetEntry()

/// An architecture of Table 1's space, sampled from a seed (RandomArchitectures.sample).
let RandomArch (spec: WganGp.Core.Nets.RandomArchitecture) : Architecture = WganGp.Core.Nets.RandomArchEntry(spec)

/// The same architecture at another width (Figure 2's and gan_cifar.py's pairs; the others have no width and are
/// returned as they are).
let withWidth (width: float) (architecture: Architecture) = architecture.WithWidth width

/// Scores during a `--paper` run as a script makes them: every `Every` generator iterations on `Samples` samples.
type Evaluation = { Every: int; Samples: int }

/// How a grid's samples are scored. The paper's scripts each have their own protocol (spec/paper.md §5, §8): a grid
/// that reproduces one uses its preset (Paper.Cifar.ganCifarScoring, Paper.Cifar.ganCifarResnetScoring), so a score can
/// be set beside the paper's; `ScoreProtocol.standard` is this project's own.
type ScoreProtocol =
    { /// Samples scored at the end of a `--paper` run (the script's N); None: the grid's SampleCount.
      PaperSamples: int option
      /// Inception Score splits.
      Splits: int
      /// Generator batch when sampling for scores (batch norm uses batch statistics, so it changes the samples);
      /// None: the training batch.
      SampleBatch: int option
      /// How generated images become 8-bit pixels before the feature network.
      Rounding: WganGp.Core.Metrics.PixelRounding
      /// Evaluations during a `--paper` run as the script makes them; None: the runner's schedule (a tenth of the
      /// budget on --eval-samples). `--eval-every` / `--eval-samples` still override it.
      PaperEvaluation: Evaluation option }

module ScoreProtocol =
    /// This project's protocol: the grid's SampleCount, 10 splits, sampled in training batches, nearest-level pixels.
    let standard =
        { PaperSamples = None; Splits = 10; SampleBatch = None; Rounding = WganGp.Core.Metrics.PixelRounding.Nearest
          PaperEvaluation = None }

/// One training run, fully resolved. Its id is derived from every field (see Cells.id).
type Cell =
    { Experiment: string
      Grid: string
      Dataset: Dataset
      Architecture: Architecture
      /// The method with the optimiser it will actually use.
      Method: Method
      Seed: int
      /// Generator iterations.
      Iterations: int
      BatchSize: int
      /// Generated samples kept and scored at the end.
      SampleCount: int
      /// How the networks start: tflib's initialisations as the paper's code (the default) or PyTorch's defaults.
      Init: WganGp.Core.Nets.InitScheme
      /// How its samples are scored (SampleCount is already the budget's: the protocol's PaperSamples under --paper).
      Scoring: ScoreProtocol }

/// A per-cell change applied after the Cartesian product, e.g. a different batch size for one method.
type Override = { Where: Cell -> bool; Change: Cell -> Cell }

/// The axis a convergence claim is read on.
type ConvergenceAxis =
    | GeneratorIterations
    /// The trainer's wall clock as each cell's evaluations.csv records it: a result only for cells that ran alone.
    | TrainingSeconds
    /// Generator iterations times the run's seconds per generator iteration measured alone (method name, seconds), for
    /// cells that shared their machine: the script writes the rates beside the command that measured them.
    | SecondsAlone of secondsPerIteration: (string * float) list

/// A claim of the paper, checked against a grid's cells by `Verdicts` (methods and architectures by their names in ids).
type Claim =
    /// The method trains every architecture of the grid (Figure 2: WGAN-GP trains all seven).
    | TrainsEvery of methodName: string
    /// No method but this one trains every architecture (Figure 2: the others fail on some).
    | OnlyTrainsEvery of methodName: string
    /// On this architecture the method reaches "trains" at an earlier evaluation than the other does (the other never
    /// reaching it counts as later); a tie is not "earlier" (Figure 3: WGAN-GP converges faster than clipping).
    | ReachesSooner of methodName: string * otherName: string * architectureName: string * axis: ConvergenceAxis
    /// On this architecture the method reaches "trains" within `factor` times the other's time to it (Figure 3: about
    /// as fast as DCGAN in wall-clock).
    | ReachesWithin of methodName: string * otherName: string * architectureName: string * axis: ConvergenceAxis * factor: float
    // Claims over seeds (Figure 3 as the paper ran it). Each compares every seed of the method with every seed of the
    // other and holds only when the method is better in all pairings: the worst of its seeds beats the best of the
    // other's. With three seeds each that is the one-sided exact rank test at p = 1/20 (the chance that the three runs
    // of one method are the three best of six when the methods do not differ). The score is the criteria's (lower is
    // better); a diverged or failed run counts as the worst on every measure.
    /// On this architecture every seed of the method ends with a lower score than every seed of the other (Figure 3: the
    /// gradient penalty beats weight clipping with the same optimiser; Adam improves on RMSProp). A seed's end is its
    /// last evaluation.
    | EndsBetter of methodName: string * otherName: string * architectureName: string
    /// On this architecture every seed of the method reaches the method's level before any seed of the other does, on
    /// the axis (Figure 3: WGAN-GP converges faster than clipping; DCGAN is faster in wall-clock). The level is halfway
    /// on a log scale from the method's untrained score to the worst of its seeds' best: L = √(U·B), U the geometric mean
    /// of its seeds' iteration-0 scores, B the highest over its seeds of each seed's lowest score after iteration 0, so
    /// every seed of the method reaches it, well before its end. A run's time to the level is its first evaluation after
    /// iteration 0 at or below L (generator iterations, or training seconds as evaluations.csv records them); a run that
    /// never gets there is later than any that does.
    | ReachesLevelSooner of methodName: string * otherName: string * architectureName: string * axis: ConvergenceAxis
    /// On this architecture every seed of the method has a smaller late spread than every seed of the other (Figure 3:
    /// WGAN-GP's score is more stable at convergence than DCGAN's). A seed's late spread: the standard deviation (n − 2
    /// degrees of freedom) of the residuals of ln score about its least-squares line against generator iterations, over
    /// the evaluations in the last fifth of training (iteration ≥ 0.8 × its last evaluated iteration); the line takes
    /// out a trend that is still falling, so only the fluctuation counts. Fewer than three such evaluations: undefined,
    /// the claim does not hold.
    | SteadierAtEnd of methodName: string * otherName: string * architectureName: string

/// What "trains" means for a cell, fixed before the grid runs (pre-registered). A cell's progress is the share of the
/// gap it closes on a log scale between two fixed points of the same cell at the same sample count, both in its
/// evaluations.csv: the untrained generator's score (iteration 0) and the real ceiling (`<Score>_real`, held-out real
/// images): progress = (ln F0 − ln F) / (ln F0 − ln R) for a lower-is-better score F at the last evaluation.
type Criteria =
    { /// A lower-is-better score with a `_real` ceiling, e.g. "cls_fid".
      Score: string
      /// Progress at or above this: "trains".
      Trains: float
      /// Progress below this (or a diverged / failed run): "fails"; in between: "partial".
      Fails: float
      Claims: Claim list }

/// A Cartesian product of datasets × architectures × methods × optimisers × seeds.
type Grid =
    { Name: string
      Datasets: Dataset list
      Architectures: Architecture list
      Methods: Method list
      /// Optimisers to cross with the methods; empty means each method keeps the optimiser it was published with.
      Optimizers: OptimizerSpec list
      Seeds: int list
      /// Default budget in generator iterations (small enough for a laptop); `--scale` multiplies it.
      Iterations: int
      /// The paper's budget, used with `--paper`.
      PaperIterations: int
      BatchSize: int
      SampleCount: int
      /// tflib's initialisations (the default) or PyTorch's (`InitScheme.PyTorch`), for every cell.
      Init: WganGp.Core.Nets.InitScheme
      /// How samples are scored (`ScoreProtocol.standard`, or a paper script's preset).
      Scoring: ScoreProtocol
      /// Pre-registered verdict criteria: the table then prints a verdict per cell and per claim.
      Criteria: Criteria option
      Overrides: Override list }

/// Figure 1a's fixed generator: which real points its noisy fakes are drawn around.
type FixedGenerator =
    /// gan_toy.py's `fake = real + randn`: the critic step's own real batch plus N(0, I), so the penalty's interpolates
    /// lie near each real point. The paper's behaviour and the default.
    | RealPlusNoise
    /// An independent real batch plus N(0, I): the interpolates lie on chords across the whole support (this project's
    /// first version of Figure 1a; kept to compare the two).
    | IndependentRealPlusNoise

/// Figure 1a: critics trained with the generator fixed at real data + N(0, I) noise, their value surfaces plotted.
type CriticSurfaces =
    { Datasets: ToyKind list
      FixedGenerator: FixedGenerator
      Methods: Method list
      Architecture: Architecture
      /// Generator iterations of the (parameter-free) fixed generator; each holds the method's critic steps.
      Iterations: int
      PaperIterations: int
      BatchSize: int
      Seed: int }

/// Figure 1b and 1c: deep MLP GANs trained on one toy set with weight clipping at several c and with the gradient
/// penalty; the gradient norm of the critic loss at each layer (1b) and the critic's weights (1c) at the end.
type DeepCriticGradients =
    { Dataset: ToyKind
      Architecture: Architecture
      Clipping: Method
      ClipValues: float list
      Penalty: Method
      Iterations: int
      PaperIterations: int
      BatchSize: int
      Seed: int }

type Figure =
    | Figure1a of CriticSurfaces
    | Figure1bc of DeepCriticGradients

type Experiment = { Name: string; Grids: Grid list; Figures: Figure list }

/// Constructors with sensible defaults, to be completed with `{ ... with ... }` in scripts.
module Grid =
    let named name =
        { Name = name; Datasets = []; Architectures = []; Methods = []; Optimizers = []; Seeds = [ 0 ]
          Iterations = Defaults.gridIterations; PaperIterations = Defaults.paperIterations; BatchSize = Defaults.batchSize
          SampleCount = Defaults.sampleCount; Overrides = []
          Init = WganGp.Core.Nets.InitScheme.Tflib; Scoring = ScoreProtocol.standard; Criteria = None }

module Experiment =
    let named name = { Name = name; Grids = []; Figures = [] }

/// Per-cell overrides.
module Override =
    let forMethod (name: string) change = { Where = (fun c -> c.Method.Name = name); Change = change }
    let forDataset dataset change = { Where = (fun c -> c.Dataset = dataset); Change = change }
    let forAll change = { Where = (fun _ -> true); Change = change }

/// Names used in cell ids, tables and paths.
module Names =
    let dataset =
        function
        | Toy kind -> ToyDataset.NameOf kind
        | Real data -> data.Name

    /// A data format as cell ids describe it (a published contract).
    let format (format: DataFormat) = format.Describe()

    /// Figure 2's rows by the names bench/reference.py also uses.
    let figure2 (variant: WganGp.Core.Nets.Figure2Variant) = WganGp.Core.Nets.Figure2Entry.RowName variant

    /// An architecture's name in cell ids (its entry's, a published contract).
    let architecture (architecture: Architecture) = architecture.Name
