namespace WganGp.Core.Nets;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a 64-bit generator fully defined by its few lines of integer arithmetic, so a
/// seed gives the same stream on every runtime and machine (System.Random's algorithm is an implementation detail).
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    ulong state = seed;

    public ulong Next()
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>An index in [0, count): the draw modulo count (the bias, under count / 2⁶⁴, is irrelevant for short lists).</summary>
    public int NextIndex(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "need at least one choice");
        return (int)(Next() % (ulong)count);
    }

    public T Pick<T>(IReadOnlyList<T> choices) => choices[NextIndex(choices.Count)];
}
