using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// Brings 8-bit images to InceptionV3's input: grey replicated to RGB, resized to 299×299 the way the chosen
/// reference implementation does, and scaled to [−1, 1] (spec §2, §4.6).
/// </summary>
public static class InceptionInput
{
    /// <summary>Pixels [N, 1 or 3, H, W] with values 0..255 (any dtype) → [N, 3, 299, 299] in [−1, 1], computed in
    /// <paramref name="dtype"/> (float32 unless given; float64 for validation).</summary>
    public static Tensor Prepare(Tensor pixels, InceptionResize resize, ScalarType? dtype = null)
    {
        if (pixels.dim() != 4 || (pixels.shape[1] != 1 && pixels.shape[1] != 3))
            throw new ArgumentException($"images must be [N, 1 or 3, H, W], got [{string.Join(", ", pixels.shape)}]", nameof(pixels));
        using var scope = NewDisposeScope();
        var x = pixels.to(dtype ?? float32);
        if (!x.is_floating_point()) throw new ArgumentException($"dtype must be floating point, got {x.dtype}", nameof(dtype));
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        const int size = InceptionV3.InputSize;
        var resized = x.shape[2] == size && x.shape[3] == size;
        var result = resize switch
        {
            // torch-fidelity: resize the 0..255 values, then (x − 128) / 128 (the TF graph's Sub 128, Mul 1/128).
            InceptionResize.Tf1Bilinear => ((resized ? x : Tf1Bilinear(x, size, size)) - 128.0) / 128.0,
            // pytorch-fid: ToTensor's [0, 1], resize, then 2x − 1.
            InceptionResize.PyTorchBilinear => (resized ? x / 255.0 : PyTorchBilinear(x / 255.0, size, size)) * 2.0 - 1.0,
            _ => throw new ArgumentOutOfRangeException(nameof(resize), resize, "unknown resize"),
        };
        return result.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// TF1's ResizeBilinear with align_corners=False and no half-pixel offset, as the TF Inception graph (and
    /// torch-fidelity) resize: per axis src = dst·in/out in float32, lo = ⌊src⌋, hi = min(lo + 1, in − 1),
    /// interpolated along the width first, then the height, as TF does. Images [N, C, H, W], floating point.
    /// </summary>
    public static Tensor Tf1Bilinear(Tensor images, long height, long width)
    {
        if (images.dim() != 4) throw new ArgumentException($"images must be [N, C, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"output size {height}×{width}");
        using var scope = NewDisposeScope();
        var device = images.device;
        var (yLo, yHi, yFrac) = Axis(images.shape[2], height, device, images.dtype);
        var (xLo, xHi, xFrac) = Axis(images.shape[3], width, device, images.dtype);
        var top = images.index_select(2, yLo);
        var bottom = images.index_select(2, yHi);
        var topLeft = top.index_select(3, xLo);
        var bottomLeft = bottom.index_select(3, xLo);
        var t = topLeft + (top.index_select(3, xHi) - topLeft) * xFrac;
        var b = bottomLeft + (bottom.index_select(3, xHi) - bottomLeft) * xFrac;
        return (t + (b - t) * yFrac.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>PyTorch's <c>F.interpolate(mode='bilinear', align_corners=False)</c> (half-pixel centres), as
    /// pytorch-fid resizes. Images [N, C, H, W], floating point.</summary>
    public static Tensor PyTorchBilinear(Tensor images, long height, long width) =>
        nn.functional.interpolate(images, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);

    static (Tensor Lo, Tensor Hi, Tensor Frac) Axis(long input, long output, Device device, ScalarType dtype)
    {
        // float32 on purpose: TF computes scale = (float)in / out and src = (float)dst * scale.
        var scale = (float)input / output;
        var lo = new long[output];
        var hi = new long[output];
        var frac = new float[output];
        for (var d = 0; d < output; d++)
        {
            var src = d * scale;
            var floor = MathF.Floor(src);
            lo[d] = (long)floor;
            hi[d] = Math.Min(lo[d] + 1, input - 1);
            frac[d] = src - floor;
        }
        return (tensor(lo, device: device), tensor(hi, device: device), tensor(frac, device: device).to(dtype));
    }
}
