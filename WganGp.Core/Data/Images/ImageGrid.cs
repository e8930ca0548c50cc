using SkiaSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data.Images;

/// <summary>Writes a batch of images [N, C, H, W] (C = 1 or 3, values in the given scaling's range) as one PNG grid.</summary>
public static class ImageGrid
{
    public static void SavePng(Tensor images, PixelScaling scaling, string path, int columns = 8, int padding = 2)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException($"expected images [N, 1 or 3, H, W], got [{string.Join(", ", images.shape)}]");
        var (n, c, h, w) = ((int)images.shape[0], (int)images.shape[1], (int)images.shape[2], (int)images.shape[3]);
        columns = Math.Max(1, Math.Min(columns, n));
        var rows = (n + columns - 1) / columns;
        using var scope = NewDisposeScope();
        var unit = scaling == PixelScaling.ZeroOne ? images : (images + 1f) / 2f;
        var bytes = (unit.clamp(0f, 1f) * 255f).round().to(ScalarType.Byte).cpu().contiguous().data<byte>().ToArray();
        using var bitmap = new SKBitmap(new SKImageInfo(columns * (w + padding) + padding, rows * (h + padding) + padding,
                                                        SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(SKColors.White);
        var plane = h * w;
        for (var i = 0; i < n; i++)
        {
            int left = padding + i % columns * (w + padding), top = padding + i / columns * (h + padding);
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    var at = i * c * plane + y * w + x;
                    var r = bytes[at];
                    var (g, b) = c == 3 ? (bytes[at + plane], bytes[at + 2 * plane]) : (r, r);
                    bitmap.SetPixel(left + x, top + y, new SKColor(r, g, b));
                }
        }
        WritePng(bitmap, path);
    }

    /// <summary>Encodes a bitmap as PNG into path (its folder created), through a temporary file renamed over it.</summary>
    internal static void WritePng(SKBitmap bitmap, string path)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
                         ?? throw new InvalidOperationException($"{path}: PNG encoding failed");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";   // per process: two writers never share one
        File.WriteAllBytes(temporary, data.ToArray());
        File.Move(temporary, path, overwrite: true);
    }
}
