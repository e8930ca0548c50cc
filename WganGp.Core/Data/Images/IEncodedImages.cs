namespace WganGp.Core.Data.Images;

/// <summary>A fixed, ordered collection of encoded images: a folder of files or an LMDB database.</summary>
public interface IEncodedImages : IDisposable
{
    string Name { get; }
    long Count { get; }

    /// <summary>The file or key of an item, for messages.</summary>
    string KeyOf(long index);

    /// <summary>The encoded bytes of each item, in order; a null entry when the item cannot be read, with the reason in
    /// <paramref name="errors"/> at the same position.</summary>
    byte[]?[] Read(IReadOnlyList<long> indices, string?[] errors);
}
