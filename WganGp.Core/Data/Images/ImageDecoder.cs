using SkiaSharp;

namespace WganGp.Core.Data.Images;

/// <summary>Decodes PNG, JPEG and WebP bytes into planar 8-bit pixels [C, Size, Size] (SkiaSharp).</summary>
public static class ImageDecoder
{
    static readonly SKEncodedImageFormat[] Accepted = [SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp];

    // Linear filtering over mipmaps averages every source pixel when shrinking (LSUN's ~256 px down to 64), as an
    // antialiased resize does; plain bilinear would alias.
    static readonly SKSamplingOptions Shrink = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>The decoded, resized and centre-cropped image into <paramref name="destination"/> (length
    /// options.PixelsPerImage). Throws <see cref="InvalidDataException"/> saying what is wrong; the caller names the file.</summary>
    public static void Decode(ReadOnlySpan<byte> encoded, ImageOptions options, Span<byte> destination)
    {
        if (destination.Length != options.PixelsPerImage)
            throw new ArgumentException($"destination holds {destination.Length} bytes, expected {options.PixelsPerImage}");
        using var bitmap = DecodeRgba(encoded);
        var (width, height) = (bitmap.Width, bitmap.Height);
        var shorter = Math.Min(width, height);
        if (shorter < options.Size && !options.AllowUpscale)
            throw new InvalidDataException($"{width}x{height} is smaller than {options.Size}x{options.Size} (upscaling is off)");
        if (shorter == options.Size)
        {
            Crop(bitmap, options, destination);
            return;
        }
        var scale = (double)options.Size / shorter;
        var target = new SKImageInfo(
            width == shorter ? options.Size : (int)Math.Round(width * scale),
            height == shorter ? options.Size : (int)Math.Round(height * scale),
            SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var resized = bitmap.Resize(target, Shrink)
                            ?? throw new InvalidDataException($"cannot resize {width}x{height} to {target.Width}x{target.Height}");
        Crop(resized, options, destination);
    }

    static SKBitmap DecodeRgba(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty) throw new InvalidDataException("empty file");
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException(
            Sniff(encoded) is { } format
                ? $"corrupt {format} image (its header cannot be read)"
                : "not a PNG, JPEG or WebP image");
        if (Array.IndexOf(Accepted, codec.EncodedFormat) < 0)
            throw new InvalidDataException($"{codec.EncodedFormat} images are not accepted, expected PNG, JPEG or WebP");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            // IncompleteInput is a truncated file: Skia fills the rest with zeros, which would be a silent wrong image.
            throw new InvalidDataException($"corrupt {codec.EncodedFormat} image ({result})");
        }
        return bitmap;
    }

    /// <summary>The format a file claims by its signature, to tell a damaged image from something else.</summary>
    static string? Sniff(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) ? "Png"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "Jpeg"
        : bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8) ? "Webp"
        : null;

    /// <summary>The centre Size × Size square of an RGBA bitmap whose shorter side is Size, as planar RGB or gray.</summary>
    static void Crop(SKBitmap bitmap, ImageOptions options, Span<byte> destination)
    {
        var size = options.Size;
        var left = (bitmap.Width - size) / 2;
        var top = (bitmap.Height - size) / 2;
        var rgba = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        var plane = size * size;
        for (var y = 0; y < size; y++)
        {
            var row = rgba.Slice((top + y) * rowBytes + left * 4, size * 4);
            for (var x = 0; x < size; x++)
            {
                byte r = row[4 * x], g = row[4 * x + 1], b = row[4 * x + 2];
                var at = y * size + x;
                if (options.Channels == 3)
                {
                    destination[at] = r;
                    destination[plane + at] = g;
                    destination[2 * plane + at] = b;
                }
                else destination[at] = (byte)((r * 299 + g * 587 + b * 114) / 1000);
            }
        }
    }
}
