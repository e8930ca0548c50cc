namespace WganGp.Core.Data.Images;

/// <summary>One cell of an <see cref="ImageMatrix"/>: a PNG file (null, or a file that does not exist: a grey cell
/// reading "no samples") and a caption printed under it (e.g. the run's score).</summary>
public sealed record MatrixCell(string? Path, string? Caption = null);
