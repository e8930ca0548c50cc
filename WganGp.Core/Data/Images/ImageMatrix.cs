using SkiaSharp;

namespace WganGp.Core.Data.Images;

/// <summary>
/// Lays PNG images out as a labelled matrix (Figure 2's layout: a row per architecture, a column per method): each cell
/// is one image file scaled to the same width with its caption under it, row labels on the left, column labels on top,
/// a grey cell reading "no samples" where a file is missing and nothing where a cell is null. An optional header panel
/// (e.g. real data) sits above the column labels, under the title and its notes.
/// </summary>
public static class ImageMatrix
{
    const int LabelHeight = 28, Gap = 8, FontSize = 16, CaptionHeight = 22, CaptionSize = 15;

    /// <summary>cells[r][c] is the cell of row r, column c (null: left empty). cellWidth: every image is scaled to it.
    /// notes: lines printed under the title (what the captions are).</summary>
    public static void SavePng(string path, string title, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        IReadOnlyList<IReadOnlyList<MatrixCell?>> cells, MatrixCell? header = null, string headerLabel = "",
        IReadOnlyList<string>? notes = null, int cellWidth = 280)
    {
        if (cells.Count != rowLabels.Count || cells.Any(row => row.Count != columnLabels.Count))
            throw new ArgumentException($"expected {rowLabels.Count} rows of {columnLabels.Count} cells");
        notes ??= [];
        static SKBitmap? Load(MatrixCell? cell) => cell?.Path is { } file && File.Exists(file) ? SKBitmap.Decode(file) : null;
        var images = cells.Select(row => row.Select(Load).ToArray()).ToArray();
        var headerImage = Load(header);
        try
        {
            using var font = new SKFont(SKTypeface.Default, FontSize);
            using var captionFont = new SKFont(SKTypeface.Default, CaptionSize);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var grey = new SKPaint { Color = new SKColor(225, 225, 225) };
            int ImageHeight(SKBitmap? b) => b is null ? cellWidth : (int)Math.Round((double)b.Height * cellWidth / b.Width);
            int RowHeight(IReadOnlyList<MatrixCell?> row, SKBitmap?[] loaded) =>
                Enumerable.Range(0, row.Count).Where(c => row[c] is not null).Select(c => ImageHeight(loaded[c])).DefaultIfEmpty(0).Max()
                + (row.Any(cell => cell?.Caption is not null) ? CaptionHeight : 0);
            var rowHeights = cells.Select((row, r) => RowHeight(row, images[r])).ToArray();
            var headerHeight = header is null ? 0 : ImageHeight(headerImage) + (header.Caption is null ? 0 : CaptionHeight) + Gap;
            var labels = rowLabels.Append(headerLabel);
            var labelWidth = (int)Math.Ceiling(labels.Select(l => font.MeasureText(l)).DefaultIfEmpty(0).Max()) + 2 * Gap;
            int width = Math.Max(labelWidth + columnLabels.Count * (cellWidth + Gap) + Gap, (int)Math.Ceiling(font.MeasureText(title)) + 2 * Gap);
            var noteLines = notes.SelectMany(note => Wrap(note, font, width - 2 * Gap)).ToList();
            int titleHeight = LabelHeight * (1 + noteLines.Count);
            int height = titleHeight + headerHeight + LabelHeight + rowHeights.Sum() + rowHeights.Length * Gap + Gap;
            using var bitmap = new SKBitmap(width, height);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(SKColors.White);
                canvas.DrawText(title, Gap, LabelHeight - 8, font, ink);
                for (var n = 0; n < noteLines.Count; n++) canvas.DrawText(noteLines[n], Gap, LabelHeight * (n + 2) - 8, font, ink);
                void DrawCell(MatrixCell cell, SKBitmap? image, float left, float top)
                {
                    if (image is not null)
                    {
                        using var scaled = SKImage.FromBitmap(image);
                        canvas.DrawImage(scaled, new SKRect(left, top, left + cellWidth, top + ImageHeight(image)), new SKSamplingOptions(SKFilterMode.Nearest));
                    }
                    else
                    {
                        canvas.DrawRect(new SKRect(left, top, left + cellWidth, top + cellWidth), grey);
                        canvas.DrawText("no samples", left + Gap, top + cellWidth / 2f, font, ink);
                    }
                    if (cell.Caption is { } caption)
                        canvas.DrawText(caption, left, top + ImageHeight(image) + CaptionHeight - 6, captionFont, ink);
                }
                var top = titleHeight;
                if (header is not null)
                {
                    canvas.DrawText(headerLabel, Gap, top + ImageHeight(headerImage) / 2f, font, ink);
                    DrawCell(header, headerImage, labelWidth, top);
                    top += headerHeight;
                }
                for (var c = 0; c < columnLabels.Count; c++)
                    canvas.DrawText(columnLabels[c], labelWidth + c * (cellWidth + Gap), top + LabelHeight - 8, font, ink);
                top += LabelHeight;
                for (var r = 0; r < rowLabels.Count; r++)
                {
                    canvas.DrawText(rowLabels[r], Gap, top + rowHeights[r] / 2f, font, ink);
                    for (var c = 0; c < columnLabels.Count; c++)
                        if (cells[r][c] is { } cell) DrawCell(cell, images[r][c], labelWidth + c * (cellWidth + Gap), top);
                    top += rowHeights[r] + Gap;
                }
            }
            ImageGrid.WritePng(bitmap, path);
        }
        finally
        {
            foreach (var row in images)
                foreach (var image in row) image?.Dispose();
            headerImage?.Dispose();
        }
    }

    /// <summary>A note broken at spaces into lines that fit <paramref name="width"/> pixels in the font.</summary>
    static IEnumerable<string> Wrap(string note, SKFont font, float width)
    {
        var line = "";
        foreach (var word in note.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(candidate) > width)
            {
                yield return line;
                line = word;
            }
            else line = candidate;
        }
        if (line.Length > 0) yield return line;
    }
}
