using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>sklearn's make_swiss_roll(noise = 0.25): t = 1.5π(1 + 2u), (t cos t, 21v, t sin t) plus N(0, 0.25²) on every
/// coordinate; coordinates 0 and 2 are kept and divided by 7.5. A fresh batch every call.</summary>
public sealed class SwissRoll : ToyDataset
{
    const double Noise = 0.25, Divisor = 7.5;

    public SwissRoll(long seed) : base(seed) { }

    public override string Name => "swissroll";
    public override float[,] Centres { get; } = new float[0, 2];
    public override double Sigma => 0;

    public override Tensor NextBatch(int batchSize)
    {
        using var scope = NewDisposeScope();
        var t = 1.5 * Math.PI * (1 + 2 * rand(new long[] { batchSize }, generator: Rng));
        var roll = stack(new[] { t * cos(t), t * sin(t) }, 1);
        var noisy = roll + Noise * randn(new long[] { batchSize, 2 }, generator: Rng);
        return (noisy / Divisor).to(float32).MoveToOuterDisposeScope();
    }
}
