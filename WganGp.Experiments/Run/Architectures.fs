/// The architecture registry: what the framework knows about each architecture a script can name, in one entry per
/// case — its input shape, latent size, the normaliser rule of its script, its network builders and its own checks.
/// Adding an architecture is a `Dsl.Architecture` case with its id (`Dsl.Names.architecture`), its entry here, and its
/// cell.json kind (`CellRecipe`). The networks themselves are in the core (`WganGp.Core.Nets`), which never looks at a
/// method: a method's needs reach them only as the normalisers chosen here.
module WganGp.Experiments.Architectures

open System
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Experiments.Dsl

type Net = TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>

/// The normalisers a cell's networks are built with: the critic's, and the generator's where the architecture's script
/// makes it depend on the method (None: the architecture fixes it).
type Normalisers = { Generator: Normalization option; Critic: Normalization }

/// What an architecture trains on; a dataset of another kind is refused before anything runs.
type DataKind =
    | Points
    | Images
    | Text

type Entry =
    { /// The shape of one data item the critic takes (-1: any size, e.g. the vocabulary).
      InputShape: int64[]
      LatentDim: int
      Data: DataKind
      /// Its script's normaliser rule, applied once where a cell is built to what the method's constraint declares
      /// (never to its type, so a new penalty that does not tolerate batch norm gets the per-sample replacement).
      Normalisers: ILipschitzConstraint -> Normalisers
      /// Generator and critic factories for data items of the given shape (built after the trainer seeds torch).
      Networks: Normalisers -> InitScheme -> int64[] -> Func<Net> * Func<Net>
      /// What is wrong with training it on a dataset, beyond the fit of its data kind every entry gets.
      Problems: Dataset -> string list }

let private factory (make: unit -> Net) = Func<Net>(make)

/// Without a normaliser in either network, whatever the method (gan_cifar_resnet.py's NORMALIZATION_D = False,
/// gan_language.py, gan_toy.py).
let private never (_: ILipschitzConstraint) = { Generator = None; Critic = Normalization.None }

let private noProblems (_: Dataset) = []

/// The registry's one match: a script's architecture value → its entry.
let entry (architecture: Architecture) : Entry =
    match architecture with
    | ToyMlp (width, layers) ->
        { InputShape = [| 2L |]; LatentDim = 2; Data = Points; Normalisers = never; Problems = noProblems
          Networks =
            fun _ init _ ->
                factory (fun () -> new Mlp(2, width, 2, layers, init = init)),
                factory (fun () -> new Mlp(2, width, 1, layers, init = init)) }
    | Figure2 (variant, size, channels, width) ->
        { InputShape = [| int64 channels; int64 size; int64 size |]; LatentDim = 128; Data = Images
          // gan_64x64.py's Normalize: layer norm in a critic that cannot have batch norm.
          Normalisers =
            fun c -> { Generator = None; Critic = if c.ToleratesBatchNorm then Normalization.Batch else Normalization.Layer }
          Networks =
            fun norms init _ ->
                let dim = Figure2Width.dim width
                factory (fun () -> Figure2.Generator(variant, size, channels, dim, init = init)),
                factory (fun () -> Figure2.Critic(variant, norms.Critic, size, channels, dim, init = init))
          Problems =
            fun _ ->
                [ if variant = Figure2Variant.ResNet101 && size <> 32 && size <> 64 then
                      $"the ResNet-101 pair is defined at 32 or 64, got {size}"
                  elif size < 8 || size &&& (size - 1) <> 0 then $"size must be a power of two of at least 8, got {size}"
                  else
                      match Figure2Width.check variant size width with
                      | Some problem -> problem
                      | None -> () ] }
    | CifarResNet conditional ->
        { InputShape = [| 3L; 32L; 32L |]; LatentDim = 128; Data = Images; Normalisers = never; Problems = noProblems
          Networks =
            fun _ init _ ->
                factory (fun () -> new CifarResNetGenerator(conditional, init = init)),
                factory (fun () -> new CifarResNetCritic(conditional, init = init)) }
    | CifarDcgan ->
        { InputShape = [| 3L; 32L; 32L |]; LatentDim = 128; Data = Images; Problems = noProblems
          // gan_cifar.py: no normaliser in the critic in mode wgan-gp.
          Normalisers =
            fun c -> { Generator = None; Critic = if c.ToleratesBatchNorm then Normalization.Batch else Normalization.None }
          Networks =
            fun norms init _ ->
                factory (fun () -> new CifarDcganGenerator(init = init)),
                factory (fun () -> new CifarDcganCritic(norm = norms.Critic, init = init)) }
    | MnistDcgan ->
        { InputShape = [| 1L; 28L; 28L |]; LatentDim = 128; Data = Images
          // gan_mnist.py: batch norm in both networks only in mode 'wgan' (weight clipping).
          Normalisers =
            fun c ->
                let norm = if c.ClipsWeights then Normalization.Batch else Normalization.None
                { Generator = Some norm; Critic = norm }
          Networks =
            fun norms init _ ->
                let generatorNorm = norms.Generator |> Option.defaultValue norms.Critic
                factory (fun () -> new MnistDcganGenerator(norm = generatorNorm, init = init)),
                factory (fun () -> new MnistDcganCritic(norm = norms.Critic, init = init))
          Problems =
            function
            | Real data when data.Scaling <> WganGp.Core.Data.PixelScaling.ZeroOne ->
                [ $"its generator ends in a sigmoid ([0, 1]) but {data.Name} is scaled {data.Scaling}; use a ZeroOne preset (Datasets.mnist, Datasets.fashionMnistZeroOne)" ]
            | _ -> [] }
    | CharResNet ->
        { InputShape = [| 32L; -1L |]; LatentDim = 128; Data = Text; Normalisers = never; Problems = noProblems
          Networks =
            fun _ init itemShape ->
                // Items are one-hot [length, V]: the vocabulary size is the data's.
                let length, vocabulary = int itemShape.[0], int itemShape.[1]
                factory (fun () -> new LanguageGenerator(vocabulary, length, init = init)),
                factory (fun () -> new LanguageCritic(vocabulary, length, init = init)) }
    | RandomArch r ->
        { InputShape = [| 3L; 32L; 32L |]; LatentDim = 128; Data = Images; Problems = noProblems
          // Appendix B: "layer norm instead" where a sampled critic is normalised.
          Normalisers = fun c -> { Generator = None; Critic = r.CriticNorm c.ToleratesBatchNorm }
          Networks = fun norms init _ -> factory (fun () -> r.NewGenerator(init = init)), factory (fun () -> r.NewCritic(norms.Critic, init)) }
