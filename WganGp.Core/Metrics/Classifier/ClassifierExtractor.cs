using TorchSharp;
using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Classifier;

/// <summary>
/// Features and logits of a trained <see cref="DatasetClassifier"/>, for classifier-IS, FID and KID on datasets
/// without Inception weights. Backbone "classifier-&lt;dataset&gt;", features from the 128-d penultimate layer, no
/// resizing (images must already be the classifier's input size). Images are quantised to 8 bits from their scaling,
/// then rescaled to [−1, 1] exactly as the training data was.
/// </summary>
public sealed class ClassifierExtractor : IFeatureExtractor
{
    readonly DatasetClassifier network;
    readonly Device device;
    readonly int batchSize;

    /// <summary>Wraps a loaded network (<see cref="DatasetClassifier.Load"/>), which the extractor then owns.</summary>
    public ClassifierExtractor(DatasetClassifier network, int batchSize = 500, Device? device = null)
    {
        var card = network.Card ?? throw new ArgumentException("the classifier has no sidecar: load it from a file saved after training", nameof(network));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        this.network = network;
        this.batchSize = batchSize;
        this.device = device ?? CPU;
        network.to(this.device);
        network.eval();
        Card = card;
    }

    /// <summary>Loads the weights file at <paramref name="path"/>, checked against its sidecar's hash.</summary>
    public static ClassifierExtractor Load(string path, int batchSize = 500, Device? device = null) =>
        new(DatasetClassifier.Load(path), batchSize, device);

    public ClassifierCard Card { get; }

    public string Backbone => $"classifier-{Card.Dataset}";

    public string WeightsHash => Card.WeightsSha256;

    public string FeatureLayer => "penultimate";

    public string Resize => "none";

    public int FeatureDim => DatasetClassifier.FeatureDim;

    public int Classes => network.Classes;

    public int InputSize => network.InputSize;

    public (Tensor Features, Tensor Logits) Extract(Tensor images, PixelScaling scaling)
    {
        var shape = images.shape;
        if (shape.Length != 4 || shape[1] != 1 || shape[2] != InputSize || shape[3] != InputSize)
            throw new ArgumentException(
                $"images [{string.Join(", ", shape)}] do not fit {Backbone}, which takes [N, 1, {InputSize}, {InputSize}] (resize: none)", nameof(images));
        long n = shape[0];
        var features = new List<Tensor>();
        var logits = new List<Tensor>();
        try
        {
            using var _ = no_grad();
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var bytes = Quantisation.ToBytes(images.narrow(0, start, Math.Min(batchSize, n - start)).cpu(), scaling);
                var input = Pixels.Scale(bytes, ClassifierTraining.Scaling).to(device);
                var (f, l) = network.FeaturesAndLogits(input);
                features.Add(f.to(float64).cpu().MoveToOuterDisposeScope());
                logits.Add(l.to(float64).cpu().MoveToOuterDisposeScope());
            }
            if (n == 0) return (zeros(0, FeatureDim, dtype: float64), zeros(0, Classes, dtype: float64));
            return (cat(features, 0), cat(logits, 0));
        }
        finally
        {
            foreach (var t in features) t.Dispose();
            foreach (var t in logits) t.Dispose();
        }
    }

    public void Dispose() => network.Dispose();
}
