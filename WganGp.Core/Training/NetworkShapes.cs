using TorchSharp;
using WganGp.Core.Numerics;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>The convolution shapes a run's networks call: one forward of a throwaway generator at batch 2 and of a
/// throwaway critic on its output, recorded through <see cref="ConvRoute"/> (none, and nothing run, for networks
/// without convolutions). Building them draws initial weights from
/// torch's global generator: its state is put back, so the run's seeded stream is as if nothing happened.</summary>
public static class NetworkShapes
{
    /// <summary>The shapes of a run's networks on its device (none off the CPU: the faults are oneDNN's).</summary>
    public static IReadOnlyList<ConvShape> Of(TrainConfig config) =>
        config.Device.type == DeviceType.CPU ? Of(config.Generator, config.Critic, config.LatentDim) : [];

    public static IReadOnlyList<ConvShape> Of(Func<nn.Module<Tensor, Tensor>> buildGenerator, Func<nn.Module<Tensor, Tensor>> buildCritic,
        int latentDim)
    {
        using var state = get_rng_state();
        try
        {
            return ConvRoute.RecordShapes(() =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                using var generator = buildGenerator();
                using var critic = buildCritic();
                // Networks without convolutions (the toys' MLPs, fixed generators of one batch size) are not run.
                if (!generator.modules().Concat(critic.modules()).Any(m => m is TorchSharp.Modules.Convolution)) return;
                using var noise = new Generator(0UL);
                var z = randn(new long[] { 2, latentDim }, generator: noise);
                critic.call(Sampler.Generate(generator, z, Sampler.Cycling(CPU)));
            });
        }
        finally { set_rng_state(state); }
    }
}
