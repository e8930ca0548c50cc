/// The scorer registry: which scores a dataset's samples get, in one place that a run's final scores, its evaluations
/// during training and `wgangp score` all use. Toys get the toy metrics; real images a dataset classifier
/// (`--classifier FILE`, from `wgangp classifier train`) or the FID Inception (`--inception FILE`, pytorch-fid's
/// weights), each with IS/FID/KID against the training split and the held-out split's scores as the ceiling; text the
/// character n-gram divergences of gan_language.py to its own corpus. Adding a kind of data's scorer is one case of
/// `forDataset`.
module WganGp.Experiments.Scoring

open System
open System.IO
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Data.Text
open WganGp.Core.Metrics
open WganGp.Experiments.Dsl

type Options =
    { /// A classifier saved by `wgangp classifier train` (Fashion-MNIST, MNIST).
      Classifier: string option
      /// pytorch-fid's pt_inception-2015-12-05-6726825d.pth (or any FID-variant state_dict).
      Inception: string option
      /// Training images the generated samples are compared with (and held-out images for the ceiling).
      ReferenceCount: int }

let none = { Classifier = None; Inception = None; ReferenceCount = Defaults.referenceCount }

/// The real baseline comes from the dataset's held-out split when the format has one.
let heldOut (data: RealData) =
    match data.Format with
    | Idx (images, labels, pad) when images.StartsWith "train-" ->
        Some { data with Name = data.Name + "-test"; Format = Idx("t10k-" + images.Substring 6, "t10k-" + labels.Substring 6, pad) }
    | Cifar10 true -> Some { data with Name = data.Name + "-test"; Format = Cifar10 false }
    | _ -> None

/// The first n items of a dataset as one tensor, scaled (dequantised data are evaluated as plain 8-bit images).
let private firstImages (data: RealData) (path: string) (n: int) =
    let plain = { data with Scaling = (if data.Scaling = PixelScaling.MinusOneOneDequantized then PixelScaling.MinusOneOne else data.Scaling) }
    use source = Datasets.openReal plain path Defaults.referenceSeed 1 ignore
    let batch = 250
    let parts = [ for i in 0 .. batch .. n - 1 -> source.NextBatch(min batch (n - i)) ]
    let all = torch.cat(parts |> Array.ofList, 0L)
    for p in parts do p.Dispose()
    all, plain.Scaling

/// The scorers of a real dataset under the options and a grid's score protocol (splits, pixel rounding), and the score
/// a best checkpoint follows (lower is better).
let private forImages (options: Options) (protocol: ScoreProtocol) (data: RealData) (path: string) (relocate: RealData -> string) : IScorer list * string option =
    let make (extractor: IFeatureExtractor) (prefix: string) =
        let images, scaling = firstImages data path options.ReferenceCount
        use _ = images
        let reference = FeatureScorer.ReferenceFeatures(extractor, images, scaling)
        let scorerOptions =
            FeatureScorerOptions(Prefix = prefix, KidOptional = true, FidOptional = true, Rounding = protocol.Rounding,
                                 InceptionScore = InceptionScoreOptions(Splits = protocol.Splits))
        let name = $"{data.Name} (seeded draw of {options.ReferenceCount})"
        let scorer = new FeatureScorer(extractor, reference, name, data.Scaling, scorerOptions) :> IScorer
        let withBaseline =
            match heldOut data with
            | Some test when Directory.Exists(relocate test) || File.Exists(relocate test) ->
                try
                    let real, _ = firstImages test (relocate test) options.ReferenceCount
                    RealBaselineScorer(scorer, real, $"{test.Name} (seeded draw)") :> IScorer
                with :? IOException | :? InvalidDataException -> scorer
            | _ -> scorer
        [ withBaseline ], Some(prefix + "fid")
    match options.Classifier, options.Inception with
    | Some file, _ ->
        make (Classifier.ClassifierExtractor.Load file) "cls_"
    | None, Some file ->
        make (Inception.InceptionExtractor.Load(file, Inception.InceptionFlavour.Fid)) ""
    | None, None -> [], None

/// The scorers of a dataset's samples under the options and a score protocol, and the score best.ckpt follows (lower
/// is better). `relocate` says where a real dataset is now; `opened` is the dataset when the caller has it open already
/// (a run's training data), so the language model's corpus is not read twice.
let forDataset (options: Options) (protocol: ScoreProtocol) (relocate: RealData -> string) (opened: IBatchSource option)
               (dataset: Dataset) : IScorer list * string option =
    match dataset with
    | Toy kind -> [ ToyScorer(kind, Defaults.referenceSeed) ], Some "energy"
    | Real ({ Format = Text corpusOptions } as data) ->
        let corpus =
            match opened with
            | Some(:? CharBatches as text) -> text.Corpus
            | _ -> CharCorpus.Load(relocate data, corpusOptions)
        // js1..js4: Jensen-Shannon divergences of character n-grams to every line of the corpus (lower is better)
        [ NgramScorer.ForCorpus corpus ], Some "js4"
    | Real data -> forImages options protocol data (relocate data) relocate
