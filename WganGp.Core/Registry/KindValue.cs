namespace WganGp.Core.Registry;

/// <summary>
/// A registered value (an architecture, a data format): its kind and constructor arguments are its identity
/// (<see cref="Kinds{T}"/>), which cell.json records and equality compares, so a derived type — a script's included —
/// needs no hand-written equality, encoder or decoder.
/// </summary>
public abstract class KindValue<T> : IEquatable<T>, IComparable<T>, IComparable where T : KindValue<T>
{
    /// <summary>Its kind in cell.json.</summary>
    public string Kind => Kinds<T>.KindOf(GetType());

    private string? identity;

    /// <summary>Kind and constructor arguments as canonical JSON.</summary>
    public string Identity => identity ??= Kinds<T>.Encode((T)this).ToJsonString();

    public bool Equals(T? other) => other is not null && other.GetType() == GetType() && other.Identity == Identity;

    public override bool Equals(object? obj) => Equals(obj as T);

    public override int GetHashCode() => Identity.GetHashCode();

    public int CompareTo(T? other) => string.CompareOrdinal(Identity, other?.Identity);

    int IComparable.CompareTo(object? obj) => CompareTo(obj as T);
}
