namespace WganGp.Core.Data.Images;

/// <summary>An item left out of training because it could not be read or decoded: which one, and why.</summary>
public sealed record DataSkip(string Key, string Reason)
{
    public override string ToString() => $"{Key}: {Reason}";
}
