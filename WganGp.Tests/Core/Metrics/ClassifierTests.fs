module WganGp.Tests.ClassifierTests

open System
open System.IO
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Core.Metrics.Classifier
open WganGp.Tests.Support

let private fashion = "/usr/share/datasets/fashion-mnist"

// Loaded once: decompressing the IDX files takes a moment.
let private fashionTrain = lazy (requireFashionMnist (); ClassifierTraining.LoadSplit(fashion, true, 28))
let private fashionTest = lazy (requireFashionMnist (); ClassifierTraining.LoadSplit(fashion, false, 28))

/// The first n images of a set, copied.
let private first (n: int64) (set: LabelledImages) =
    new LabelledImages($"{set.Name} first {n}", set.Images.narrow(0L, 0L, n).clone(), set.Labels.narrow(0L, 0L, n).clone())

/// Same shape, dtype and every element bit-equal.
let private same (a: torch.Tensor) (b: torch.Tensor) =
    a.shape = b.shape && a.dtype = b.dtype && (a.eq b).all().item<bool>()

let private parametersOf (m: torch.nn.Module) = [ for struct (name, p) in m.named_parameters() -> name, p ]

/// A small classifier trained and saved in `dir` (512 images, 1 epoch), with its test subset.
let private smallSaved dir =
    use train = first 512L fashionTrain.Value
    use test = first 256L fashionTest.Value
    let path = Path.Combine(dir, "small.weights")
    let card = ClassifierTraining.TrainAndSave("fashion-mnist", train, test, ClassifierTrainingOptions(1, 3L), path)
    path, card

let tests =
    testList "Classifier" [
        test "one epoch on 2,000 real Fashion-MNIST images classifies 1,000 test images far above chance (10%)" {
            use train = first 2000L fashionTrain.Value
            use test = first 1000L fashionTest.Value
            let epochs = ResizeArray<ClassifierEpoch>()
            use network = ClassifierTraining.Train(train, ClassifierTrainingOptions(1, 0L), Action<ClassifierEpoch> epochs.Add)
            let accuracy = ClassifierTraining.Accuracy(network, test)
            Expect.equal epochs.Count 1 "one progress report per epoch"
            Expect.isTrue (epochs[0].MeanLoss > 0.0 && Double.IsFinite epochs[0].MeanLoss) "finite loss reported"
            Expect.isGreaterThanOrEqual accuracy 0.6 $"test accuracy {accuracy}"
        }

        test "the same seed gives bit-identical weights; another seed does not" {
            use train = first 256L fashionTrain.Value
            let run seed = ClassifierTraining.Train(train, ClassifierTrainingOptions(1, seed, 32))
            use a = run 7L
            use b = run 7L
            use c = run 8L
            for (name, p), (_, q), (_, r) in List.zip3 (parametersOf a) (parametersOf b) (parametersOf c) do
                Expect.isTrue (same p q) $"{name} equal for the same seed"
                Expect.isFalse (same p r) $"{name} differs for another seed"
        }

        test "the architecture is the documented one: 128 penultimate features, 10 logits, padded 32 x 32 input" {
            use n28 = new DatasetClassifier(28)
            use n32 = new DatasetClassifier(32)
            // conv 1→32 k3 (320) + conv 32→64 k3 (18,496) + fc (64·(S/4)²·128 + 128) + fc 128→10 (1,290)
            Expect.equal (parameterCount n28) (320L + 18496L + (3136L * 128L + 128L) + 1290L) "28 x 28 parameters"
            Expect.equal (parameterCount n32) (320L + 18496L + (4096L * 128L + 128L) + 1290L) "32 x 32 parameters"
            use x = torch.zeros(3L, 1L, 32L, 32L)
            let struct (f, l) = n32.FeaturesAndLogits x
            Expect.equal f.shape [| 3L; 128L |] "features"
            Expect.equal l.shape [| 3L; 10L |] "logits"
            throwsWith<ArgumentException> "multiple of 4" (fun () -> new DatasetClassifier(30) |> ignore)
        }

        test "save and load give identical logits, and the sidecar records what was trained and the file's hash" {
            inTempDir (fun dir ->
                let path, card = smallSaved dir
                Expect.equal card.WeightsSha256 (DatasetClassifier.Sha256Of path) "hash of the weights file"
                Expect.equal (card.Dataset, card.InputSize, card.Seed, card.Epochs, card.TrainCount, card.TestCount)
                    ("fashion-mnist", 28, 3L, 1, 512L, 256L) "card fields"
                Expect.stringContains card.Architecture "fc3136x128" "architecture recorded"
                Expect.equal (ClassifierCard.Read(DatasetClassifier.SidecarOf path)) card "the sidecar holds the card"
                // Retraining with the same seed reproduces the network whose weights were saved.
                use train = first 512L fashionTrain.Value
                use trained = ClassifierTraining.Train(train, ClassifierTrainingOptions(1, 3L))
                use loaded = DatasetClassifier.Load path
                use x = torch.rand(16L, 1L, 28L, 28L) * 2.0 - 1.0
                use _ = torch.no_grad()
                Expect.isTrue (same (trained.call x) (loaded.call x)) "identical logits"
                Expect.equal (ClassifierTraining.Accuracy(loaded, first 256L fashionTest.Value)) card.TestAccuracy "accuracy as recorded")
        }

        test "a weights file changed after training is refused, naming the file" {
            inTempDir (fun dir ->
                let path, _ = smallSaved dir
                let bytes = File.ReadAllBytes path
                bytes[bytes.Length - 3] <- bytes[bytes.Length - 3] ^^^ 0x40uy
                File.WriteAllBytes(path, bytes)
                throwsWith<InvalidDataException> path (fun () -> DatasetClassifier.Load path |> ignore)
                throwsWith<InvalidDataException> "does not match" (fun () -> ClassifierExtractor.Load path |> ignore)
                File.Delete(DatasetClassifier.SidecarOf path)
                throwsWith<FileNotFoundException> (DatasetClassifier.SidecarOf path) (fun () -> DatasetClassifier.Load path |> ignore))
        }

        test "the extractor names its protocol, returns float64 features and logits, and refuses other image sizes" {
            inTempDir (fun dir ->
                let path, card = smallSaved dir
                use extractor = ClassifierExtractor.Load(path, batchSize = 7)
                let e = extractor :> IFeatureExtractor
                Expect.equal (e.Backbone, e.WeightsHash, e.FeatureLayer, e.Resize, e.FeatureDim, e.Classes)
                    ("classifier-fashion-mnist", card.WeightsSha256, "penultimate", "none", 128, 10) "protocol"
                use test = first 20L fashionTest.Value
                use images = Pixels.Scale(test.Images, PixelScaling.MinusOneOne)
                let struct (features, logits) = e.Extract(images, PixelScaling.MinusOneOne)
                Expect.equal (features.shape, features.dtype) ([| 20L; 128L |], torch.float64) "features"
                Expect.equal (logits.shape, logits.dtype) ([| 20L; 10L |], torch.float64) "logits"
                // Batches of 7 give what one pass of the network gives (up to float32 summation order), and [0, 1]
                // images exactly what [-1, 1] ones give.
                use network = DatasetClassifier.Load path
                use _ = torch.no_grad()
                let struct (f1, l1) = network.FeaturesAndLogits images
                Expect.isTrue (features.allclose(f1.``to``(torch.float64), 1e-5, 1e-5)) "features of one pass"
                Expect.isTrue (logits.allclose(l1.``to``(torch.float64), 1e-5, 1e-5)) "logits of one pass"
                use zeroOne = Pixels.Scale(test.Images, PixelScaling.ZeroOne)
                let struct (_, l2) = e.Extract(zeroOne, PixelScaling.ZeroOne)
                Expect.isTrue (same l2 logits) "same logits from [0, 1] images"
                use wrong = torch.zeros(2L, 1L, 32L, 32L)
                throwsWith<ArgumentException> "[2, 1, 32, 32]" (fun () -> e.Extract(wrong, PixelScaling.MinusOneOne) |> ignore)
                throwsWith<ArgumentException> "[N, 1, 28, 28]" (fun () -> e.Extract(wrong, PixelScaling.MinusOneOne) |> ignore))
        }

        test "quantisation: -1 -> 0, 1 -> 255, out of range clamped, and every 8-bit level survives scaling and back" {
            let levels (t: torch.Tensor) = t.data<byte>().ToArray() |> List.ofArray
            use x = torch.tensor([| -1.0f; 1.0f; 0.0f; -3.0f; 2.0f |])
            Expect.equal (levels (Quantisation.ToBytes(x, PixelScaling.MinusOneOne))) [ 0uy; 255uy; 128uy; 0uy; 255uy ] "[-1, 1]"
            use y = torch.tensor([| 0.0f; 1.0f; 0.5f; -0.2f; 1.7f |])
            Expect.equal (levels (Quantisation.ToBytes(y, PixelScaling.ZeroOne))) [ 0uy; 255uy; 128uy; 0uy; 255uy ] "[0, 1]"
            use all = torch.arange(256L, dtype = torch.uint8)
            use noise = new torch.Generator(5UL)
            for scaling in [ PixelScaling.MinusOneOne; PixelScaling.ZeroOne; PixelScaling.MinusOneOneDequantized ] do
                use scaled = Pixels.Scale(all, scaling, noise)
                Expect.isTrue (same (Quantisation.ToBytes(scaled, scaling)) all) $"{scaling} round trip"
        }

        test "reference sets: the first N test images and as many first training images, scaled" {
            use train = first 300L fashionTrain.Value
            use test = first 200L fashionTest.Value
            use sets = ClassifierReference.Sets(train, test, 150L)
            Expect.equal (sets.Test.shape, sets.Train.shape) ([| 150L; 1L; 28L; 28L |], [| 150L; 1L; 28L; 28L |]) "shapes"
            use expected = Pixels.Scale(test.Images.narrow(0L, 0L, 150L), PixelScaling.MinusOneOne)
            Expect.isTrue (same sets.Test expected) "first test images in [-1, 1]"
            Expect.stringContains sets.Description "first 150" "description"
            use whole = ClassifierReference.Sets(train, test)
            Expect.equal whole.Count 200L "default N: the whole test split"
            throwsWith<ArgumentOutOfRangeException> "1..200" (fun () -> ClassifierReference.Sets(train, test, 201L) |> ignore)
        }

        test "padded 32 x 32 splits train a 32 x 32 classifier" {
            requireFashionMnist ()
            use padded = ClassifierTraining.LoadSplit(fashion, false, 32)
            Expect.equal padded.Images.shape [| 10000L; 1L; 32L; 32L |] "padded test split"
            use small = first 128L padded
            use network = ClassifierTraining.Train(small, ClassifierTrainingOptions(1, 0L, 64))
            Expect.equal network.InputSize 32 "input size from the data"
        }
    ]

/// Lines as token arrays for the id-based API.
let private idLines (lines: string list) : Collections.Generic.IReadOnlyList<int> list =
    [ for l in lines -> [| for c in l -> int c |] :> Collections.Generic.IReadOnlyList<int> ]

let ngramTests =
    testList "Ngram JS" [
        test "identical corpora are 0 bits apart for n = 1..4" {
            let corpus = [ "the cat sat on the mat"; "a dog``"; "unk words here" ]
            for n in 1 .. 4 do
                close 1e-12 0.0 (NgramDivergence.JensenShannon(n, corpus, corpus)) $"js{n}"
                // Repeating every line keeps the distribution, so the divergence stays 0.
                close 1e-12 0.0 (NgramDivergence.JensenShannon(n, corpus, corpus @ corpus)) $"js{n} doubled"
        }

        test "disjoint alphabets are 1 bit apart (the maximum, log base 2)" {
            for n in 1 .. 4 do
                close 1e-12 1.0 (NgramDivergence.JensenShannon(n, [ "abcabcab"; "cba" ], [ "xyzzy"; "zyxw" ])) $"js{n}"
        }

        test "hand-computed: 'ab' vs 'ac' is 1/2 bit for unigrams; 'aab' vs 'abb' is (2/3 ln 4/3 + 1/3 ln 2/3) / ln 2" {
            // p = {a: 1/2, b: 1/2}, q = {a: 1/2, c: 1/2}, m = {a: 1/2, b: 1/4, c: 1/4}: each KL to m is ½ ln 2.
            close 1e-12 0.5 (NgramDivergence.JensenShannon(1, [ "ab" ], [ "ac" ])) "ab vs ac"
            close 1e-12 1.0 (NgramDivergence.JensenShannon(2, [ "ab" ], [ "ac" ])) "no bigram shared"
            // p = {a: 2/3, b: 1/3}, q = {a: 1/3, b: 2/3}, m uniform: both KLs equal 2/3 ln(4/3) + 1/3 ln(2/3).
            let expected = (2.0 / 3.0 * log (4.0 / 3.0) + 1.0 / 3.0 * log (2.0 / 3.0)) / log 2.0
            close 1e-12 expected (NgramDivergence.JensenShannon(1, [ "aab" ], [ "abb" ])) "aab vs abb"
        }

        test "n-grams are windows within each line, never across lines; short lines add none" {
            let model = NgramModel.OfLines(2, [ "ab"; "cd"; "e" ])
            Expect.equal (model.Total, model.Unique) (2L, 2) "ab and cd"
            Expect.equal (model.Count "ab", model.Count "cd", model.Count "bc") (1L, 1L, 0L) "counts"
            let trigrams = NgramModel.OfLines(3, [ "aaaa" ])
            Expect.equal (trigrams.Total, trigrams.Count "aaa") (2L, 2L) "overlapping windows count each time"
            throwsWith<ArgumentException> "empty" (fun () -> NgramDivergence.JensenShannon(3, [ "ab" ], [ "abc" ]) |> ignore)
        }

        test "symmetric, and between 0 and 1, on random corpora" {
            let rng = Random 11
            let corpus () = [ for _ in 1 .. 20 -> String [| for _ in 1 .. 12 -> char (int 'a' + rng.Next 5) |] ]
            for n in 1 .. 4 do
                let a, b = corpus (), corpus ()
                let ab, ba = NgramDivergence.JensenShannon(n, a, b), NgramDivergence.JensenShannon(n, b, a)
                close 1e-12 ab ba $"js{n} symmetric"
                Expect.isTrue (ab > 0.0 && ab <= 1.0) $"js{n} = {ab} in (0, 1]"
        }

        test "the scorer decodes samples by argmax and scores js1..js4 against the corpus lines, with its protocol" {
            let lines = idLines [ "abcab"; "bcaab"; "aaaaa"; "cbacb" ]
            let scorer = NgramScorer("tiny corpus", lines)
            // One-hot and softmax-like samples of the corpus lines themselves: distance 0.
            let oneHot = torch.nn.functional.one_hot(torch.tensor([| for l in lines do for c in l -> int64 c |]).view(4L, 5L), 128L).``to``(torch.float32)
            let soft = torch.softmax(oneHot * 5.0f, 2)
            let scores = scorer.Score soft
            Expect.equal (List.ofSeq scores.Keys) [ "js1"; "js2"; "js3"; "js4" ] "names"
            for KeyValue (name, value) in scores do close 1e-12 0.0 value name
            let protocol = scorer.Protocol
            Expect.equal (protocol["reference"], protocol["reference_n"], protocol["generated_n"], protocol["decoding"])
                ("tiny corpus", "4", "4", "argmax decoding") "protocol"
            // Samples of other characters only: 1 bit at every n.
            let other = torch.nn.functional.one_hot(torch.full([| 3L; 5L |], TorchSharp.Scalar.op_Implicit (int64 'z'), dtype = torch.int64), 128L).``to``(torch.float32)
            for KeyValue (name, value) in scorer.Score other do close 1e-12 1.0 value name
            Expect.equal scorer.Protocol["generated_n"] "3" "generated n of the last call"
            throwsWith<ArgumentException> "[N, length, vocabulary]" (fun () -> scorer.Score(torch.zeros(4L, 5L)) |> ignore)
            // The decoded ids match a direct count.
            let decoded = NgramScorer.ArgmaxDecode soft
            Expect.equal [ for d in decoded -> List.ofArray d ] [ for l in lines -> List.ofSeq l ] "argmax ids"
        }
    ]
