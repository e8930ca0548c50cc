using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>The three 2-D toy distributions of gan_toy.py (spec §2), already normalised as the code does.</summary>
public enum ToyKind { EightGaussians, TwentyFiveGaussians, SwissRoll }

/// <summary>A seeded toy distribution. Mixtures expose their (normalised) centres and per-coordinate noise σ so scores can
/// be computed without the critic.</summary>
public abstract class ToyDataset : IBatchSource, ICheckpointableSource, IDisposable
{
    public long[] ItemShape => [2];

    protected readonly Generator Rng;

    protected ToyDataset(long seed) => Rng = new Generator((ulong)seed);

    public abstract string Name { get; }

    /// <summary>Mixture centres after normalisation, [K, 2]; empty for the swiss roll.</summary>
    public abstract float[,] Centres { get; }

    /// <summary>Standard deviation of each mixture component after normalisation (0 for the swiss roll).</summary>
    public abstract double Sigma { get; }

    public abstract Tensor NextBatch(int batchSize);

    public void Dispose() => Rng.Dispose();

    /// <summary>The generator's state, then <see cref="Cursor"/> as 8 bytes.</summary>
    public byte[] SaveState()
    {
        using var state = Rng.get_state();
        return [.. state.data<byte>().ToArray(), .. BitConverter.GetBytes(Cursor)];
    }

    public void RestoreState(byte[] state)
    {
        using var current = Rng.get_state();
        if (state.Length != current.numel() + sizeof(long))
            throw new InvalidDataException($"{Name}: a saved sampler state has {state.Length} bytes, expected {current.numel() + sizeof(long)}");
        using var rng = tensor(state[..^sizeof(long)], dtype: ScalarType.Byte);
        Rng.set_state(rng);
        Cursor = BitConverter.ToInt64(state, state.Length - sizeof(long));
    }

    /// <summary>Where a fixed set's iteration stands (the 25 Gaussians); 0 for sets drawn afresh each batch.</summary>
    protected virtual long Cursor { get => 0; set { } }

    public static string NameOf(ToyKind kind) => kind switch
    {
        ToyKind.EightGaussians => "8gaussians",
        ToyKind.TwentyFiveGaussians => "25gaussians",
        ToyKind.SwissRoll => "swissroll",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown toy dataset"),
    };

    public static ToyDataset Create(ToyKind kind, long seed) => kind switch
    {
        ToyKind.EightGaussians => new EightGaussians(seed),
        ToyKind.TwentyFiveGaussians => new TwentyFiveGaussians(seed),
        ToyKind.SwissRoll => new SwissRoll(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown toy dataset"),
    };

    protected static float[,] ToArray(Tensor t)
    {
        var v = t.data<float>().ToArray();
        var a = new float[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(v, 0, a, 0, v.Length * sizeof(float));
        return a;
    }
}
