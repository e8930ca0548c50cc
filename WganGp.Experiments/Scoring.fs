/// Which networks score a dataset's samples: the toy metrics for toys; for real images a dataset classifier
/// (`--classifier FILE`, from `wgangp classifier train`) or the FID Inception (`--inception FILE`, pytorch-fid's
/// weights), each with IS/FID/KID against the training split and the held-out split's scores as the ceiling.
module WganGp.Experiments.Scoring

open System
open System.IO
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Experiments.Dsl

type Options =
    { /// A classifier saved by `wgangp classifier train` (Fashion-MNIST, MNIST).
      Classifier: string option
      /// pytorch-fid's pt_inception-2015-12-05-6726825d.pth (or any FID-variant state_dict).
      Inception: string option
      /// Training images the generated samples are compared with (and held-out images for the ceiling).
      ReferenceCount: int }

let none = { Classifier = None; Inception = None; ReferenceCount = 5000 }

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
    use source = Datasets.openReal plain path 20_170_331L 1 ignore
    let batch = 250
    let parts = [ for i in 0 .. batch .. n - 1 -> source.NextBatch(min batch (n - i)) ]
    let all = torch.cat(parts |> Array.ofList, 0L)
    for p in parts do p.Dispose()
    all, plain.Scaling

/// The scorers of a real dataset under the options and a grid's score protocol (splits, pixel rounding), and the score
/// a best checkpoint follows (lower is better).
let forReal (options: Options) (protocol: ScoreProtocol) (data: RealData) (path: string) (relocate: RealData -> string) : IScorer list * string option =
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
