/// The scorer registry: which scores a dataset's samples get, in one place that a run's final scores, its evaluations
/// during training and `wgangp score` all use, and what each score is (its direction and companions) for the tables,
/// curves and verdicts that read run folders. Toys get the toy metrics; real images a dataset classifier
/// (`--classifier FILE`, from `wgangp classifier train`) and/or the FID Inception (`--inception FILE`, pytorch-fid's
/// weights), each with IS/FID/KID against the training split and the held-out split's scores as the ceiling; text the
/// character n-gram divergences of gan_language.py to its own corpus. Adding a scorer is one entry (`register`, from C#,
/// F# or a grid script).
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

let none = { Classifier = None; Inception = None; ReferenceCount = Defaults.referenceCount }

/// What a scorer needs to score a dataset's samples.
type Request =
    { Options: Options
      /// The grid's score protocol (splits, pixel rounding).
      Protocol: ScoreProtocol
      /// Where a real dataset is now.
      Relocate: RealData -> string
      /// The dataset as the caller has it open (a run's training data), so it is not read twice.
      Opened: WganGp.Core.Data.IBatchSource option
      Dataset: Dataset }

/// A scorer of the registry: the scores it writes, the one a best checkpoint follows when it scores a run (lower is
/// better), and its scorers for a request (none when it does not apply to the data or is not enabled).
type ScorerEntry =
    { Name: string
      Declares: ScoreDeclaration list
      Follows: string option
      Make: Request -> IScorer list }

/// The first n items of a dataset as one tensor, scaled (dequantised data are evaluated as plain 8-bit images).
let private firstImages (data: RealData) (path: string) (n: int) =
    let plain = { data with Scaling = (if data.Scaling = PixelScaling.MinusOneOneDequantized then PixelScaling.MinusOneOne else data.Scaling) }
    use source = Datasets.openReal plain path Defaults.referenceSeed 1 ignore
    let batch = 250
    let parts = [ for i in 0 .. batch .. n - 1 -> source.NextBatch(min batch (n - i)) ]
    let all = torch.cat(parts |> Array.ofList, 0L)
    for p in parts do p.Dispose()
    all, plain.Scaling

/// IS/FID/KID in a feature network's space against the training split, with the held-out split's scores as ceilings
/// when it is there.
let private featureScorer (request: Request) (data: RealData) (extractor: IFeatureExtractor) (prefix: string) : IScorer =
    let options = request.Options
    let images, scaling = firstImages data (request.Relocate data) options.ReferenceCount
    use _ = images
    let reference = FeatureScorer.ReferenceFeatures(extractor, images, scaling)
    let scorerOptions =
        FeatureScorerOptions(Prefix = prefix, KidOptional = true, FidOptional = true, Rounding = request.Protocol.Rounding,
                             InceptionScore = InceptionScoreOptions(Splits = request.Protocol.Splits))
    let name = $"{data.Name} (seeded draw of {options.ReferenceCount})"
    let scorer = new FeatureScorer(extractor, reference, name, data.Scaling, scorerOptions) :> IScorer
    match Datasets.heldOut data with
    | Some test when Directory.Exists(request.Relocate test) || File.Exists(request.Relocate test) ->
        try
            let real, _ = firstImages test (request.Relocate test) options.ReferenceCount
            RealBaselineScorer(scorer, real, $"{test.Name} (seeded draw)") :> IScorer
        with :? IOException | :? InvalidDataException -> scorer
    | _ -> scorer

let private images (request: Request) =
    match request.Dataset with
    | Real data when data.Format.Data = DataKind.Images -> Some data
    | _ -> None

let private toy =
    { Name = "toy"; Declares = List.ofSeq ToyScorer.Declarations; Follows = Some "energy"
      Make = fun r -> match r.Dataset with Toy kind -> [ ToyScorer(kind, Defaults.referenceSeed) ] | Real _ -> [] }

/// js1..js4: Jensen-Shannon divergences of character n-grams to every line of the corpus (lower is better).
let private ngrams =
    { Name = "ngram"; Declares = List.ofSeq (NgramScorer.Declarations()); Follows = Some "js4"
      Make =
        fun r ->
            match r.Dataset with
            | Real data when data.Format.Data = DataKind.Text ->
                let corpus =
                    match r.Opened with
                    | Some source -> data.Format.Corpus source
                    | None ->
                        use source = Datasets.openReal data (r.Relocate data) 0L 1 ignore
                        data.Format.Corpus source
                [ NgramScorer.ForCorpus(nonNull corpus) ]
            | _ -> [] }

/// IS/FID/KID in the space of a feature network the options name (with `prefix` on every score); best checkpoints
/// follow its FID.
let private features (name: string) (prefix: string) (file: Options -> string option) (load: string -> IFeatureExtractor) =
    { Name = name; Declares = List.ofSeq (RealBaselineScorer.WithCeilings(FeatureScorer.Declarations prefix))
      Follows = Some $"{prefix}fid"
      Make =
        fun r ->
            match images r, file r.Options with
            | Some data, Some weights -> [ featureScorer r data (load weights) prefix ]
            | _ -> [] }

let private classifier = features "classifier" "cls_" _.Classifier (fun f -> Classifier.ClassifierExtractor.Load f)

let private inception =
    features "inception" "" _.Inception (fun f -> Inception.InceptionExtractor.Load(f, Inception.InceptionFlavour.Fid))

let private entries = Collections.Generic.List<ScorerEntry>([ toy; ngrams; classifier; inception ])

/// Adds a scorer to the registry (a grid script may add its own); a name or a declared score already taken is an error.
let register (entry: ScorerEntry) =
    lock entries (fun () ->
        let taken = entries |> Seq.collect _.Declares |> Seq.map _.Name |> Set.ofSeq
        match entries |> Seq.tryFind (fun e -> e.Name = entry.Name), entry.Declares |> List.tryFind (fun d -> taken.Contains d.Name) with
        | Some same, _ when same.Declares = entry.Declares -> ()   // the same script loaded again
        | Some _, _ -> invalidArg "entry" $"a scorer named '{entry.Name}' is registered already"
        | None, Some d -> invalidArg "entry" $"score '{d.Name}' is declared by another scorer already"
        | None, None -> entries.Add entry)

/// Every score the registered scorers declare.
let declarations () = lock entries (fun () -> entries |> Seq.collect _.Declares |> List.ofSeq)

/// The declaration of a score, when a registered scorer writes it.
let declarationOf (score: string) = declarations () |> List.tryFind (fun d -> d.Name = score)

/// Whether a score accompanies another (a spread or a real-data ceiling) rather than measuring on its own: tables keep
/// such scores as columns; pivots and curves are drawn only for the scores they accompany.
let isCompanion (score: string) = declarations () |> List.exists (fun d -> Seq.contains score d.Companions)

/// A score's real-data ceiling, when its scorer declares one.
let ceilingOf (score: string) = declarationOf score |> Option.bind (fun d -> Option.ofObj d.Ceiling)

/// The scorers of a dataset's samples under the options and a score protocol, from every registered entry that applies,
/// and the score best.ckpt follows (the first such entry's; lower is better). `relocate` says where a real dataset is
/// now; `opened` is the dataset when the caller has it open already (a run's training data).
let forDataset (options: Options) (protocol: ScoreProtocol) (relocate: RealData -> string) (opened: IBatchSource option)
               (dataset: Dataset) : IScorer list * string option =
    let request = { Options = options; Protocol = protocol; Relocate = relocate; Opened = opened; Dataset = dataset }
    let made = lock entries (fun () -> List.ofSeq entries) |> List.choose (fun e -> match e.Make request with [] -> None | s -> Some(e, s))
    made |> List.collect snd, made |> List.tryPick (fun (e, _) -> e.Follows)
