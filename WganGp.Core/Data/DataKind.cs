namespace WganGp.Core.Data;

/// <summary>What an architecture trains on; a grid that pairs it with data of another kind is refused before it runs.</summary>
public enum DataKind
{
    /// <summary>2-D points (gan_toy.py).</summary>
    Points,

    /// <summary>Images [C, H, W].</summary>
    Images,

    /// <summary>One-hot character sequences [length, vocabulary] (gan_language.py).</summary>
    Text,
}
