using TorchSharp;
using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Classifier;

/// <summary>
/// The real-data reference of classifier scores, so a generated score can be read against its ceiling: the first
/// <see cref="Count"/> images of the test split (for classifier-IS and as the "generated" side) and the first
/// <see cref="Count"/> of the training split (the reference side of FID / KID: test vs train at the same N). Images
/// are float32 [N, 1, S, S] in <see cref="Scaling"/>; the set owns and disposes them.
/// </summary>
public sealed record ReferenceSets(Tensor Test, Tensor Train, PixelScaling Scaling, string Description) : IDisposable
{
    public long Count => Test.shape[0];

    public void Dispose()
    {
        Test.Dispose();
        Train.Dispose();
    }
}

/// <summary>Builds the real-data reference sets; the IS / FID / KID on them are computed by the metric classes.</summary>
public static class ClassifierReference
{
    /// <summary>The first <paramref name="count"/> test images (default: the whole test split) and as many first
    /// training images, scaled by <paramref name="scaling"/>.</summary>
    public static ReferenceSets Sets(LabelledImages train, LabelledImages test, long? count = null,
        PixelScaling scaling = PixelScaling.MinusOneOne)
    {
        long n = count ?? test.Count;
        if (n < 1 || n > test.Count || n > train.Count)
            throw new ArgumentOutOfRangeException(nameof(count), n,
                $"reference size must be in 1..{Math.Min(test.Count, train.Count)} ({test.Name}: {test.Count}, {train.Name}: {train.Count})");
        if (!train.Images.shape.Skip(1).SequenceEqual(test.Images.shape.Skip(1)))
            throw new ArgumentException($"{train.Name} images [{string.Join(", ", train.Images.shape)}] and {test.Name} images [{string.Join(", ", test.Images.shape)}] differ in shape");
        if (scaling == PixelScaling.MinusOneOneDequantized)
            throw new ArgumentException("reference sets are plain 8-bit images: use MinusOneOne or ZeroOne", nameof(scaling));
        using var testBytes = test.Images.narrow(0, 0, n);
        using var trainBytes = train.Images.narrow(0, 0, n);
        return new ReferenceSets(
            Pixels.Scale(testBytes, scaling),
            Pixels.Scale(trainBytes, scaling),
            scaling,
            $"first {n} of {test.Name} vs first {n} of {train.Name}");
    }

    /// <summary>The same from an IDX folder (MNIST / Fashion-MNIST layout), padded to <paramref name="inputSize"/>.</summary>
    public static ReferenceSets Sets(string folder, int inputSize, long? count = null, PixelScaling scaling = PixelScaling.MinusOneOne)
    {
        using var train = ClassifierTraining.LoadSplit(folder, train: true, inputSize);
        using var test = ClassifierTraining.LoadSplit(folder, train: false, inputSize);
        return Sets(train, test, count, scaling);
    }
}
