using TorchSharp;
using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// A fixed "generator" for Figure 1a: real data plus N(0, I) noise, ignoring z. It has no parameters, so the trainer
/// takes no generator step and only the critic learns. It draws from its own data stream, so its fakes lie around an
/// independent real batch (Figure 1a's `IndependentRealPlusNoise`); gan_toy.py's FIXED_GENERATOR pairs each fake with
/// the critic step's own real batch, which <see cref="Methods.FixedGeneratorMethod"/> does (this module then only
/// serves for sampling).
/// </summary>
public sealed class NoiseAroundData(IBatchSource data, double noiseStd = 1.0) : nn.Module<Tensor, Tensor>("noise-around-data")
{
    public override Tensor forward(Tensor z)
    {
        var x = data.NextBatch((int)z.shape[0]).to(z.device);
        return x + noiseStd * randn_like(x);
    }
}
