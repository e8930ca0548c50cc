using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>A labelled image set held as 8-bit pixels [N, C, H, W] (uint8) and labels [N] (int64).</summary>
public sealed class LabelledImages : IDisposable
{
    public LabelledImages(string name, Tensor images, Tensor labels)
    {
        if (images.dim() != 4) throw new ArgumentException($"{name}: images must be [N, C, H, W], got [{string.Join(", ", images.shape)}]");
        if (labels.shape[0] != images.shape[0])
            throw new ArgumentException($"{name}: {images.shape[0]} images but {labels.shape[0]} labels");
        Name = name;
        Images = images;
        Labels = labels;
    }

    public string Name { get; }
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public long Count => Images.shape[0];

    /// <summary>1 + the largest label (10 for CIFAR-10 and MNIST).</summary>
    public int Classes => Count == 0 ? 0 : (int)Labels.max().item<long>() + 1;

    /// <summary>Reads an IDX image file ([N, H, W], grayscale) and its IDX label file ([N]), e.g. Fashion-MNIST's
    /// train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz.</summary>
    public static LabelledImages FromIdx(string imagesPath, string labelsPath)
    {
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Shape.Length != 3)
            throw new InvalidDataException($"{imagesPath}: expected images of shape [N, H, W], got [{string.Join(", ", images.Shape)}]");
        if (labels.Shape.Length != 1)
            throw new InvalidDataException($"{labelsPath}: expected labels of shape [N], got [{string.Join(", ", labels.Shape)}]");
        if (labels.Count != images.Count)
            throw new InvalidDataException($"{labelsPath}: {labels.Count} labels for the {images.Count} images of {imagesPath}");
        var pixels = tensor(images.Data, dtype: ScalarType.Byte).reshape(images.Count, 1, images.Shape[1], images.Shape[2]);
        var classes = tensor(labels.Data, dtype: ScalarType.Byte).to(int64);
        return new LabelledImages(Path.GetFileName(imagesPath), pixels, classes);
    }

    /// <summary>Images at the given indices as floats scaled for the network.</summary>
    public Tensor Select(Tensor indices, PixelScaling scaling, Generator? noise = null)
    {
        using var bytes = Images.index_select(0, indices);
        return Pixels.Scale(bytes, scaling, noise);
    }

    /// <summary>A copy with every image zero-padded to size × size, centred (the extra pixel, if any, after): how
    /// 28 × 28 digits become the 32 × 32 inputs of a power-of-two architecture without resampling.</summary>
    public LabelledImages PadTo(int size)
    {
        long h = Images.shape[2], w = Images.shape[3];
        if (size < h || size < w) throw new ArgumentException($"{Name}: cannot pad {h}x{w} images to {size}x{size}");
        long top = (size - h) / 2, left = (size - w) / 2;
        var padded = nn.functional.pad(Images, [left, size - w - left, top, size - h - top]);
        return new LabelledImages($"{Name} padded to {size}", padded, Labels.clone());
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
