using System.Globalization;
using TorchSharp;
using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>What a <see cref="FeatureScorer"/> computes and how its scores are named.</summary>
public sealed record FeatureScorerOptions
{
    public InceptionScoreOptions InceptionScore { get; init; } = new();

    public KidOptions Kid { get; init; } = new();

    /// <summary>Put before every score name, e.g. "cls_" for a dataset classifier's scores ("cls_fid", …).</summary>
    public string Prefix { get; init; } = "";

    /// <summary>How the generated samples become 8-bit pixels (each paper script has its own rule).</summary>
    public PixelRounding Rounding { get; init; } = PixelRounding.Nearest;

    /// <summary>Images per extractor call.</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>When either set has fewer rows than KID's subset size: leave KID out (true) or refuse (false).
    /// Cheap in-training evaluations with few samples set it.</summary>
    public bool KidOptional { get; init; }

    /// <summary>Leave FID out (instead of failing) when the samples are too few for a non-singular covariance
    /// (N ≤ feature dimension): cheap in-training evaluations with 2048-d Inception features.</summary>
    public bool FidOptional { get; init; }
}

/// <summary>
/// IS, FID and KID of generated samples in one feature extractor's space, against fixed reference features (real
/// data). Scores: "is", "is_std", "fid", "kid", "kid_std", each with the options' prefix. The reference statistics are
/// computed once; the reference features are kept for KID (not copied: do not modify them while the scorer lives).
/// </summary>
public sealed class FeatureScorer : IScorer, IDisposable
{
    readonly IFeatureExtractor _extractor;
    readonly Tensor _reference;
    readonly FeatureStatistics _referenceStatistics;
    readonly string _referenceName;
    readonly PixelScaling _scaling;
    readonly FeatureScorerOptions _options;
    long? _generated;

    /// <param name="extractor">The network; the scorer does not dispose it.</param>
    /// <param name="referenceFeatures">Features [N_ref, D] of the reference images (see <see cref="ReferenceFeatures"/>).</param>
    /// <param name="referenceName">What the reference set is, e.g. "cifar10-train", recorded in the protocol.</param>
    /// <param name="scaling">The range of the generated samples' pixels.</param>
    public FeatureScorer(IFeatureExtractor extractor, Tensor referenceFeatures, string referenceName, PixelScaling scaling,
                         FeatureScorerOptions? options = null)
    {
        _options = options ?? new FeatureScorerOptions();
        if (_options.BatchSize < 1)
            throw new ArgumentException($"the scoring batch size must be positive; got {_options.BatchSize}", nameof(options));
        if (referenceFeatures.dim() != 2 || referenceFeatures.shape[1] != extractor.FeatureDim)
            throw new ArgumentException(
                $"reference features must be [N, {extractor.FeatureDim}] for {extractor.Backbone} ({extractor.FeatureLayer}); got [{string.Join(", ", referenceFeatures.shape)}]",
                nameof(referenceFeatures));
        _extractor = extractor;
        _reference = referenceFeatures.detach();
        _referenceStatistics = FeatureStatistics.FromFeatures(_reference);
        _referenceName = referenceName;
        _scaling = scaling;
    }

    /// <summary>is (higher is better, spread is_std), fid (lower), kid (lower, spread kid_std), with a prefix.</summary>
    public static IReadOnlyList<ScoreDeclaration> Declarations(string prefix) =>
        [new(prefix + "is", Better.Higher, Spread: prefix + "is_std"), new(prefix + "fid", Better.Lower),
         new(prefix + "kid", Better.Lower, Spread: prefix + "kid_std")];

    public IReadOnlyList<ScoreDeclaration> Declares => Declarations(_options.Prefix);

    public IReadOnlyDictionary<string, double> Score(Tensor samples)
    {
        // A script's own rounding first; the levels then reach the extractor as exact [−1, 1] values, which its
        // nearest-level quantisation maps back to the same levels.
        using var rounded = _options.Rounding == PixelRounding.Nearest ? null : Rounded(samples);
        var (features, logits) = rounded is null ? ExtractAll(_extractor, samples, _scaling, _options.BatchSize)
            : ExtractAll(_extractor, rounded, PixelScaling.MinusOneOne, _options.BatchSize);
        using (features)
        using (logits)
        {
            long n = features.shape[0];
            var p = _options.Prefix;
            var inception = InceptionScore.Compute(logits, _options.InceptionScore);
            var scores = new Dictionary<string, double>
            {
                [p + "is"] = inception.Mean,
                [p + "is_std"] = inception.Std,
            };
            if (n > features.shape[1] || !_options.FidOptional)
                scores[p + "fid"] = FrechetDistance.Compute(FeatureStatistics.FromFeatures(features), _referenceStatistics);
            bool kidPossible = n >= _options.Kid.SubsetSize && _reference.shape[0] >= _options.Kid.SubsetSize;
            if (kidPossible || !_options.KidOptional)
            {
                var kid = KernelInceptionDistance.Compute(features, _reference, _options.Kid);
                scores[p + "kid"] = kid.Mean;
                scores[p + "kid_std"] = kid.Std;
            }
            _generated = n;
            return scores;
        }
    }

    Tensor Rounded(Tensor samples)
    {
        using var bytes = Quantisation.ToBytes(samples, _scaling, _options.Rounding);
        return Pixels.Scale(bytes, PixelScaling.MinusOneOne);
    }

    /// <summary>The scores' protocol; "generated_n" appears once samples have been scored.</summary>
    public IReadOnlyDictionary<string, string> Protocol
    {
        get
        {
            string Invariant(IFormattable x) => x.ToString(null, CultureInfo.InvariantCulture);
            var is_ = _options.InceptionScore;
            var kid = _options.Kid;
            var protocol = new Dictionary<string, string>
            {
                ["backbone"] = _extractor.Backbone,
                ["weights_sha256"] = _extractor.WeightsHash,
                ["feature_layer"] = _extractor.FeatureLayer,
                ["resize"] = _extractor.Resize,
                ["reference"] = _referenceName,
                ["reference_n"] = Invariant(_reference.shape[0]),
                ["is_splits"] = Invariant(is_.Splits),
                ["is_shuffle_seed"] = is_.Shuffle ? Invariant(is_.ShuffleSeed) : "none",
                ["is_bias"] = "extractor logits",
                ["kid_subsets"] = Invariant(kid.Subsets),
                ["kid_subset_size"] = Invariant(kid.SubsetSize),
                ["kid_seed"] = Invariant(kid.Seed),
                ["kid_kernel"] = $"polynomial degree {kid.Degree}, gamma {(kid.Gamma is double g ? Invariant(g) : "1/D")}, coef0 {Invariant(kid.Coef0)}",
                ["quantisation"] = Quantisation.Describe(_options.Rounding),
            };
            if (_generated is long n) protocol["generated_n"] = Invariant(n);
            return protocol;
        }
    }

    /// <summary>Features [N, D] (float64, CPU) of reference images in the range <paramref name="scaling"/> describes,
    /// extracted in batches; the caller disposes them.</summary>
    public static Tensor ReferenceFeatures(IFeatureExtractor extractor, Tensor images, PixelScaling scaling, int batchSize = 50)
    {
        var (features, logits) = ExtractAll(extractor, images, scaling, batchSize);
        logits.Dispose();
        return features;
    }

    /// <summary>Runs the extractor over all images in batches into preallocated float64 CPU tensors.</summary>
    static (Tensor Features, Tensor Logits) ExtractAll(IFeatureExtractor extractor, Tensor images, PixelScaling scaling, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch size must be positive");
        if (images.dim() != 4)
            throw new ArgumentException($"feature extraction needs images [N, C, H, W]; got [{string.Join(", ", images.shape)}]", nameof(images));
        long n = images.shape[0];
        if (n == 0) throw new ArgumentException("no images to score", nameof(images));
        using var _ = no_grad();
        var features = zeros(new[] { n, (long)extractor.FeatureDim }, dtype: float64);
        var logits = zeros(new[] { n, (long)extractor.Classes }, dtype: float64);
        try
        {
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(batchSize, n - start);
                var (f, l) = extractor.Extract(images.narrow(0, start, count), scaling);
                if (f.dim() != 2 || f.shape[0] != count || f.shape[1] != extractor.FeatureDim || l.dim() != 2 || l.shape[0] != count || l.shape[1] != extractor.Classes)
                    throw new InvalidOperationException(
                        $"{extractor.Backbone} returned features [{string.Join(", ", f.shape)}] and logits [{string.Join(", ", l.shape)}] for {count} images; expected [{count}, {extractor.FeatureDim}] and [{count}, {extractor.Classes}]");
                features.narrow(0, start, count).copy_(f);
                logits.narrow(0, start, count).copy_(l);
            }
            return (features, logits);
        }
        catch
        {
            features.Dispose();
            logits.Dispose();
            throw;
        }
    }

    public void Dispose() => _reference.Dispose();
}
