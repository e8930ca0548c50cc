namespace WganGp.Core.Data.Images;

/// <summary>
/// Every PNG, JPEG and WebP file under a folder (recursively, by extension, case-insensitive), in ordinal order of
/// their relative paths so the set and its indices are the same on every machine.
/// </summary>
public sealed class FolderImages : IEncodedImages
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp"];

    readonly string root;
    readonly string[] files;

    public FolderImages(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: image folder not found");
        root = Path.GetFullPath(directory);
        files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
            throw new InvalidDataException($"{directory}: no images (expected files ending in {string.Join(", ", Extensions)})");
        Name = Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar));
    }

    public string Name { get; }
    public long Count => files.Length;
    public string KeyOf(long index) => Path.Combine(root, files[index]);

    public byte[]?[] Read(IReadOnlyList<long> indices, string?[] errors)
    {
        var result = new byte[]?[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            try { result[i] = File.ReadAllBytes(KeyOf(indices[i])); }
            catch (IOException e) { errors[i] = e.Message; }
            catch (UnauthorizedAccessException e) { errors[i] = e.Message; }
        }
        return result;
    }

    public void Dispose() { }
}
