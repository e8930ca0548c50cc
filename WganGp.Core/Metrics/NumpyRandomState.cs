namespace WganGp.Core.Metrics;

/// <summary>
/// numpy's legacy <c>np.random.RandomState(seed)</c> for an integer seed, bit for bit: MT19937 seeded with
/// init_genrand(seed), and the legacy <c>permutation</c>/<c>shuffle</c>/<c>choice(replace=False)</c> built on it. torch-fidelity
/// draws IS's shuffle and KID's subsets from it (seed 2020), so scores match theirs only with the same draws.
/// </summary>
public sealed class NumpyRandomState
{
    const int StateLength = 624, Shift = 397;
    const uint MatrixA = 0x9908b0df, UpperMask = 0x80000000, LowerMask = 0x7fffffff;

    readonly uint[] _key = new uint[StateLength];
    int _position;

    /// <summary>The state <c>RandomState(seed)</c> has; numpy accepts seeds 0 … 2³² − 1.</summary>
    public NumpyRandomState(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "numpy's RandomState seed must lie in 0 … 2^32 − 1");
        // numpy's mt19937_seed, which is Matsumoto & Nishimura's init_genrand.
        uint s = (uint)seed;
        for (int i = 0; i < StateLength; i++)
        {
            _key[i] = s;
            s = unchecked(1812433253u * (s ^ (s >> 30)) + (uint)i + 1u);
        }
        _position = StateLength;
    }

    /// <summary>The next 32-bit output of the generator (numpy's <c>mt19937_next32</c>).</summary>
    public uint NextUInt32()
    {
        if (_position == StateLength) Regenerate();
        uint y = _key[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>The next 64-bit output: two 32-bit outputs, the first as the high word (numpy's <c>mt19937_next64</c>).</summary>
    public ulong NextUInt64() => ((ulong)NextUInt32() << 32) | NextUInt32();

    /// <summary>A uniform integer in 0 … <paramref name="max"/> by masked rejection (numpy's <c>random_interval</c>):
    /// draws under the smallest all-ones mask ≥ max until one is ≤ max; 32-bit draws when max fits in 32 bits.</summary>
    public ulong Interval(ulong max)
    {
        if (max == 0) return 0;
        ulong mask = max;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4;
        mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
        ulong value;
        if (max <= uint.MaxValue)
            while ((value = NextUInt32() & mask) > max) { }
        else
            while ((value = NextUInt64() & mask) > max) { }
        return value;
    }

    /// <summary>Shuffles in place as the legacy <c>RandomState.shuffle</c> does a 1-D array: Fisher–Yates from the end,
    /// swapping item i with item <see cref="Interval"/>(i) for i = n − 1 … 1.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i >= 1; i--)
        {
            int j = (int)Interval((ulong)i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary><c>permutation(n)</c>: 0 … n − 1 shuffled.</summary>
    public long[] Permutation(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "a permutation needs n ≥ 0");
        var result = new long[n];
        for (int i = 0; i < n; i++) result[i] = i;
        Shuffle<long>(result);
        return result;
    }

    /// <summary><c>choice(n, size, replace=False)</c>, which the legacy generator computes as
    /// <c>permutation(n)[:size]</c> (so it consumes draws for all n items).</summary>
    public long[] Choice(int n, int size)
    {
        if (size < 0 || size > n)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"cannot take {size} distinct items from {n} (replace=False)");
        return Permutation(n)[..size];
    }

    void Regenerate()
    {
        int k;
        uint y;
        for (k = 0; k < StateLength - Shift; k++)
        {
            y = (_key[k] & UpperMask) | (_key[k + 1] & LowerMask);
            _key[k] = _key[k + Shift] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        }
        for (; k < StateLength - 1; k++)
        {
            y = (_key[k] & UpperMask) | (_key[k + 1] & LowerMask);
            _key[k] = _key[k + (Shift - StateLength)] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        }
        y = (_key[StateLength - 1] & UpperMask) | (_key[0] & LowerMask);
        _key[StateLength - 1] = _key[Shift - 1] ^ (y >> 1) ^ ((y & 1) * MatrixA);
        _position = 0;
    }
}
