using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// InceptionV3 as an <see cref="IFeatureExtractor"/>: images are quantised to 8 bits, prepared per
/// <see cref="InceptionExtractorOptions.Resize"/>, and run in eval mode without gradients in batches on the network's
/// device and in its dtype (float32 as loaded). Features are pool3 (2048); logits are all of fc's outputs (1008 for the FID weights), without the bias
/// unless <see cref="InceptionExtractorOptions.LogitsWithBias"/>. The extractor owns (and disposes) the network.
/// </summary>
public sealed class InceptionExtractor : IFeatureExtractor
{
    readonly InceptionV3 network;

    public InceptionExtractor(InceptionV3 network, InceptionExtractorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var o = options ?? new InceptionExtractorOptions();
        if (o.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), o.BatchSize, "BatchSize must be at least 1");
        WeightsHash = network.WeightsHash
            ?? throw new ArgumentException("the network has no weights hash: load it from a file with InceptionV3.Load", nameof(network));
        this.network = network;
        Options = o;
        network.eval();
    }

    /// <summary>Loads the weight file (see <see cref="InceptionV3.Load"/>) into an extractor.</summary>
    public static InceptionExtractor Load(string path, InceptionFlavour flavour, InceptionExtractorOptions? options = null) =>
        new(InceptionV3.Load(path, flavour), options);

    public InceptionV3 Network => network;

    public InceptionExtractorOptions Options { get; }

    public string Backbone => network.Flavour == InceptionFlavour.Fid ? "inception-v3-fid" : "inception-v3-torchvision";

    public string WeightsHash { get; }

    public string FeatureLayer => "pool3";

    public string Resize => Options.Resize == InceptionResize.Tf1Bilinear ? "tf1-bilinear-299" : "pytorch-bilinear-299";

    /// <summary>Which logits <see cref="Extract"/> returns: "unbiased" (pool3 · fc.weightᵀ) or "with-bias".</summary>
    public string Logits => Options.LogitsWithBias ? "with-bias" : "unbiased";

    public int FeatureDim => InceptionV3.PoolFeatures;

    public int Classes => network.Classes;

    /// <summary>Everything that identifies these features, for a score's protocol.</summary>
    public IReadOnlyDictionary<string, string> Protocol => new Dictionary<string, string>
    {
        ["backbone"] = Backbone,
        ["weights_sha256"] = WeightsHash,
        ["feature_layer"] = FeatureLayer,
        ["resize"] = Resize,
        ["logits"] = Logits,
        ["classes"] = Classes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public (Tensor Features, Tensor Logits) Extract(Tensor images, PixelScaling scaling)
    {
        using var taps = Taps(images, scaling);
        var logits = Options.LogitsWithBias ? taps.Logits : taps.LogitsUnbiased;
        return (taps.Pool3.to(float64), logits.to(float64));
    }

    /// <summary>Every tap (float32, CPU) of <paramref name="images"/> [N, 1 or 3, H, W] given in
    /// <paramref name="scaling"/>'s range, after the same quantisation and preparation as <see cref="Extract"/>.</summary>
    public InceptionTaps Taps(Tensor images, PixelScaling scaling)
    {
        if (images.dim() != 4 || (images.shape[1] != 1 && images.shape[1] != 3))
            throw new ArgumentException($"images must be [N, 1 or 3, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.eval();
        var device = network.Fc.weight!.device;
        var n = images.shape[0];
        var parts = new List<InceptionTaps>();
        for (long start = 0; start < n; start += Options.BatchSize)
        {
            using var batchScope = NewDisposeScope();
            var batch = images.narrow(0, start, Math.Min(Options.BatchSize, n - start));
            var pixels = Quantisation.ToBytes(batch, scaling).to(device);
            using var taps = network.call(InceptionInput.Prepare(pixels, Options.Resize, network.Fc.weight!.dtype));
            parts.Add(new InceptionTaps(
                taps.Pool64.cpu(), taps.Pool192.cpu(), taps.Pool768.cpu(), taps.Pool3.cpu(), taps.LogitsUnbiased.cpu(), taps.Logits.cpu())
                .MoveToOuterDisposeScope());
        }
        if (parts.Count == 0)
            throw new ArgumentException("no images to extract features from", nameof(images));
        Tensor Cat(Func<InceptionTaps, Tensor> pick) => cat(parts.Select(pick).ToList(), 0);
        return new InceptionTaps(Cat(t => t.Pool64), Cat(t => t.Pool192), Cat(t => t.Pool768), Cat(t => t.Pool3),
            Cat(t => t.LogitsUnbiased), Cat(t => t.Logits)).MoveToOuterDisposeScope();
    }

    public void Dispose() => network.Dispose();
}
