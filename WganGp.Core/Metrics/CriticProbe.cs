using TorchSharp;
using WganGp.Core.Nets;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>Looks inside a trained 2-D critic for Figure 1: its value surface, the gradient of its loss with respect to
/// each layer's activations, and its weights.</summary>
public static class CriticProbe
{
    /// <summary>Critic values on a resolution × resolution grid over [−extent, extent]²; row iy is y, column ix is x,
    /// row 0 at y = −extent (gan_toy.py plots a 128 × 128 grid over [−3, 3]²).</summary>
    public static double[,] Surface(nn.Module<Tensor, Tensor> critic, double extent, int resolution)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var device = critic.parameters().FirstOrDefault()?.device ?? CPU;
        var axis = linspace(-extent, extent, resolution, dtype: float32, device: device);
        var grid = meshgrid(new[] { axis, axis }, indexing: "ij");   // grid[0] varies along rows: y
        var points = stack(new[] { grid[1].reshape(-1), grid[0].reshape(-1) }, 1);
        var values = critic.call(points).reshape(resolution, resolution).to(float64).cpu().data<double>().ToArray();
        var result = new double[resolution, resolution];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    /// <summary>‖∂L/∂a_l‖₂ for the input a_l of every layer l = 1..depth of a critic that reports them (an MLP: each Linear; l = 1 is the data
    /// itself), where L = mean D(x̃) − mean D(x) is the Wasserstein part of the critic loss on the given batches.</summary>
    public static double[] LayerGradientNorms(ILayerInputs critic, Tensor real, Tensor fake)
    {
        using var scope = NewDisposeScope();
        var x = cat(new[] { real.detach(), fake.detach() }, 0).requires_grad_(true);
        var inputs = new List<Tensor>();
        var output = critic.Forward(x, inputs).reshape(-1);
        long n = real.shape[0];
        var loss = output.narrow(0, n, fake.shape[0]).mean() - output.narrow(0, 0, n).mean();
        var grads = torch.autograd.grad(new[] { loss }, inputs);
        return grads.Select(g => g.norm().to(float64).item<double>()).ToArray();
    }

    /// <summary>Every weight (not bias) of the critic's layers, flattened.</summary>
    public static float[] Weights(nn.Module critic) =>
        critic.named_parameters()
            .Where(p => p.name.EndsWith("weight", StringComparison.Ordinal))
            .SelectMany(p => p.parameter.detach().cpu().to(float32).data<float>().ToArray())
            .ToArray();
}
