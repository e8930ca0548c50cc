namespace WganGp.Core.Nets;

/// <summary>
/// Everything a cell's networks are built from, decided once where the cell is built and recorded in its cell.json:
/// the normalisers (the architecture's rule applied to the method's needs), the initialisation, the shape of one data
/// item and the latent size.
/// </summary>
public sealed record NetworkSpec(Normalisers Normalisers, InitScheme Init, long[] ItemShape, int LatentDim)
{
    // The item shape compares by value (a record compares arrays by reference).
    public bool Equals(NetworkSpec? other) =>
        other is not null && Normalisers == other.Normalisers && Init == other.Init && LatentDim == other.LatentDim
        && ItemShape.AsSpan().SequenceEqual(other.ItemShape);

    public override int GetHashCode() => HashCode.Combine(Normalisers, Init, LatentDim, ItemShape.Length);
}
