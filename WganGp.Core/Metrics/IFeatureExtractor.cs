using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>
/// A frozen network that turns images into features and class logits for IS, FID and KID: an InceptionV3 (for
/// ImageNet-like data) or a dataset's own classifier (Fashion-MNIST, MNIST). Its names and hash are the score's
/// protocol: scores from different extractors are never comparable.
/// </summary>
public interface IFeatureExtractor : IDisposable
{
    /// <summary>What network this is, e.g. "inception-v3-fid" or "classifier-fashion-mnist".</summary>
    string Backbone { get; }

    /// <summary>SHA-256 (lower-case hex) of the weight file the network was loaded from.</summary>
    string WeightsHash { get; }

    /// <summary>The layer the features come from, e.g. "pool3" or "penultimate".</summary>
    string FeatureLayer { get; }

    /// <summary>How images are brought to the network's input size, e.g. "tf1-bilinear-299" or "none".</summary>
    string Resize { get; }

    int FeatureDim { get; }

    int Classes { get; }

    /// <summary>Features [N, FeatureDim] and logits [N, Classes], both float64 on the CPU, of images [N, C, H, W] given
    /// in the range <paramref name="scaling"/> describes (a generator's output or scaled real data). Images are
    /// quantised to 8 bits first, as if saved to PNG, so generated and real images are treated alike.</summary>
    (Tensor Features, Tensor Logits) Extract(Tensor images, PixelScaling scaling);
}
