using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>
/// Drawing from a generator, conditional or not, in one place: a run's final samples and evaluations, its sample
/// grids, and <c>wgangp sample</c>/<c>score</c>. A conditional generator gets labels: uniform over its classes, or
/// cycling through them for a grid, so every class shows.
/// </summary>
public static class Sampler
{
    /// <summary>Images in a sample grid (a run's samples/iter-*.png and samples.png).</summary>
    public const int GridImages = 64;

    /// <summary>The generator on <paramref name="z"/>; a conditional one also on <paramref name="labels"/>, called
    /// with the batch size and the number of classes.</summary>
    public static Tensor Generate(nn.Module<Tensor, Tensor> generator, Tensor z, Func<long, int, Tensor> labels) =>
        generator is Nets.IConditionalGenerator { Classes: > 0 } conditional
            ? conditional.Forward(z, labels(z.shape[0], conditional.Classes))
            : generator.call(z);

    /// <summary>Labels 0, 1, …, classes − 1, 0, 1, … (a grid's rows show every class).</summary>
    public static Func<long, int, Tensor> Cycling(Device device) =>
        (n, classes) => arange(n, dtype: int64, device: device) % classes;

    /// <summary>n samples from the generator, drawn in batches without gradient, returned on the CPU. Batch norm keeps
    /// using batch statistics, as tflib does when sampling. With <paramref name="noise"/>, z and the labels of a
    /// conditional generator come from it (the same seed gives the same samples on every device); otherwise from
    /// torch's stream.</summary>
    public static Tensor Sample(nn.Module<Tensor, Tensor> generator, int n, int batchSize, int latentDim, Device device,
        Generator? noise = null)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (int i = 0; i < n; i += batchSize)
        {
            using var scope = NewDisposeScope();
            // z is drawn on the CPU so a seeded noise generator gives the same samples on every device.
            var z = noise is null ? randn(Math.Min(batchSize, n - i), latentDim, device: device)
                : randn(new long[] { Math.Min(batchSize, n - i), latentDim }, generator: noise).to(device);
            var images = Generate(generator, z, (count, classes) => noise is null
                ? randint(classes, count, dtype: int64, device: device)
                : randint(classes, new long[] { count }, dtype: int64, generator: noise).to(device));
            parts.Add(images.cpu().MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }
}
