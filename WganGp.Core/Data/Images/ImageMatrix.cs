using SkiaSharp;

namespace WganGp.Core.Data.Images;

/// <summary>
/// Lays PNG images out as a labelled matrix (Figure 2's layout: a row per architecture, a column per method): each cell
/// is one image file scaled to the same width, row labels on the left, column labels on top, and a grey cell reading
/// "no samples" where a file is missing.
/// </summary>
public static class ImageMatrix
{
    const int LabelHeight = 28, Gap = 8, FontSize = 16;

    /// <summary>cells[r][c] is the PNG of row r, column c (null: none). cellWidth: every image is scaled to it.</summary>
    public static void SavePng(string path, string title, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        IReadOnlyList<IReadOnlyList<string?>> cells, int cellWidth = 280)
    {
        if (cells.Count != rowLabels.Count || cells.Any(row => row.Count != columnLabels.Count))
            throw new ArgumentException($"expected {rowLabels.Count} rows of {columnLabels.Count} cells");
        var images = cells.Select(row => row.Select(file => file is not null && File.Exists(file) ? SKBitmap.Decode(file) : null).ToArray()).ToArray();
        try
        {
            using var font = new SKFont(SKTypeface.Default, FontSize);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var grey = new SKPaint { Color = new SKColor(225, 225, 225) };
            int CellHeight(SKBitmap? b) => b is null ? cellWidth : (int)Math.Round((double)b.Height * cellWidth / b.Width);
            var rowHeights = images.Select(row => row.Select(CellHeight).DefaultIfEmpty(cellWidth).Max()).ToArray();
            var labelWidth = (int)Math.Ceiling(rowLabels.Select(l => font.MeasureText(l)).DefaultIfEmpty(0).Max()) + 2 * Gap;
            int width = labelWidth + columnLabels.Count * (cellWidth + Gap) + Gap;
            int height = 2 * LabelHeight + rowHeights.Sum() + rowHeights.Length * Gap + Gap;
            using var bitmap = new SKBitmap(width, height);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(SKColors.White);
                canvas.DrawText(title, Gap, LabelHeight - 8, font, ink);
                for (var c = 0; c < columnLabels.Count; c++)
                    canvas.DrawText(columnLabels[c], labelWidth + c * (cellWidth + Gap), 2 * LabelHeight - 8, font, ink);
                var top = 2 * LabelHeight;
                for (var r = 0; r < rowLabels.Count; r++)
                {
                    canvas.DrawText(rowLabels[r], Gap, top + rowHeights[r] / 2f, font, ink);
                    for (var c = 0; c < columnLabels.Count; c++)
                    {
                        var left = labelWidth + c * (cellWidth + Gap);
                        if (images[r][c] is { } image)
                        {
                            var target = new SKRect(left, top, left + cellWidth, top + CellHeight(image));
                            using var scaled = SKImage.FromBitmap(image);
                            canvas.DrawImage(scaled, target, new SKSamplingOptions(SKFilterMode.Nearest));
                        }
                        else
                        {
                            canvas.DrawRect(new SKRect(left, top, left + cellWidth, top + cellWidth), grey);
                            canvas.DrawText("no samples", left + Gap, top + cellWidth / 2f, font, ink);
                        }
                    }
                    top += rowHeights[r] + Gap;
                }
            }
            ImageGrid.WritePng(bitmap, path);
        }
        finally
        {
            foreach (var row in images)
                foreach (var image in row) image?.Dispose();
        }
    }
}
