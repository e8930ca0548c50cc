using TorchSharp;
using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_toy.py's FIXED_GENERATOR mode (Figure 1a): the "generator" returns real data plus N(0, I) noise, ignoring z. It
/// has no parameters, so the trainer takes no generator step and only the critic learns. It draws from its own data
/// stream so the critic's real batches are unaffected.
/// </summary>
public sealed class NoiseAroundData(IBatchSource data, double noiseStd = 1.0) : nn.Module<Tensor, Tensor>("noise-around-data")
{
    public override Tensor forward(Tensor z)
    {
        var x = data.NextBatch((int)z.shape[0]).to(z.device);
        return x + noiseStd * randn_like(x);
    }
}
