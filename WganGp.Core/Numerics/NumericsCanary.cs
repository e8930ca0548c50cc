using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Numerics;

/// <summary>
/// Checks convolution shapes on this machine: forward, input gradient and the parameter gradients of a gradient-penalty
/// objective (double backward) in float32 against float64, after filling freed memory with NaN so that a kernel reading
/// uninitialised memory shows instead of passing on recycled finite values. Inputs and weights come from a private
/// generator and the global generator's state is restored, so a check never moves torch's global random stream.
/// </summary>
public static class NumericsCanary
{
    /// <summary>Relative error above which a float32 result is wrong (right ones measure about 1e-6).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>The shapes found faulty in libtorch 2.10 (see <see cref="ConvRoute"/>): a grayscale critic's first
    /// layer at width 4, a narrow generator's last deconv, the CIFAR ResNet generator's output conv, a residual
    /// shortcut's 1×1 conv.</summary>
    public static readonly IReadOnlyList<ConvShape> Sentinels =
    [
        new(false, 1, 4, 5, 2, 2, 16, 16),
        new(true, 8, 1, 5, 2, 0, 8, 8),
        new(false, 16, 3, 3, 1, 1, 16, 16),
        new(false, 32, 64, 1, 1, 0, 8, 8),
    ];

    public static IReadOnlyList<ConvCheck> CheckAll(IEnumerable<ConvShape> shapes, bool routed, int trials = 2, long batch = 4) =>
        shapes.Select(s => Check(s, routed, trials, batch)).ToArray();

    /// <summary>One shape: <paramref name="trials"/> random inputs and weights; a trial is wrong when any error exceeds
    /// <paramref name="tolerance"/> (<see cref="Tolerance"/> unless given: in bf16, <see cref="ConvPrecision.Bf16Tolerance"/>).
    /// The single-precision side computes as this thread's <see cref="ConvPrecision"/> says.</summary>
    public static ConvCheck Check(ConvShape shape, bool routed, int trials = 2, long batch = 4, double tolerance = Tolerance)
    {
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), $"trials must be at least 1, got {trials}");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"batch must be at least 1, got {batch}");
        double forward = 0, input = 0, parameters = 0;
        var wrong = 0;
        using var grad = enable_grad();
        // Building a layer draws its default initialisation from torch's global generator: put its state back after.
        using var globalState = get_rng_state();
        try
        {
            for (var trial = 0; trial < trials; trial++)
            {
                using var scope = NewDisposeScope();
                using var generator = new Generator((ulong)(1000 + trial));
                var x = randn([batch, shape.In, shape.Height, shape.Width], ScalarType.Float64, generator: generator);
                var fanIn = (shape.Transposed ? shape.Out : shape.In) * shape.Kernel * shape.Kernel;
                using var layer64 = Build(shape, ScalarType.Float64);
                using var layer32 = Build(shape, ScalarType.Float32);
                using (no_grad())
                {
                    foreach (var (name, p) in layer64.named_parameters())
                    {
                        p.copy_(randn(p.shape, ScalarType.Float64, generator: generator) / Math.Sqrt(fanIn));
                        layer32.get_parameter(name)!.copy_(p);
                    }
                }
                var reference = Run(layer64, x, routed, weights: null, generator);
                var single = Run(layer32, x.to_type(ScalarType.Float32), routed, reference.Weights, generator);
                var errors = (Relative(single.Output, reference.Output), Relative(single.InputGradient, reference.InputGradient),
                    single.ParameterGradients.Zip(reference.ParameterGradients, Relative).DefaultIfEmpty(0).Max());
                forward = Math.Max(forward, errors.Item1);
                input = Math.Max(input, errors.Item2);
                parameters = Math.Max(parameters, errors.Item3);
                if (errors.Item1 > tolerance || errors.Item2 > tolerance || errors.Item3 > tolerance) wrong++;
            }
        }
        finally { set_rng_state(globalState); }
        return new ConvCheck(shape, routed, trials, wrong, forward, input, parameters);
    }

    /// <summary>Allocates and frees NaN-filled buffers of several sizes, so that memory handed out next holds NaN where
    /// a kernel fails to write it.</summary>
    public static void PoisonFreedMemory()
    {
        var buffers = new List<Tensor>();
        foreach (var size in new long[] { 1 << 8, 1 << 11, 1 << 14, 1 << 17, 1 << 20 })
            for (var i = 0; i < 3; i++) buffers.Add(empty(size).fill_(float.NaN));
        foreach (var b in buffers) b.Dispose();
    }

    static Convolution Build(ConvShape s, ScalarType dtype)
    {
        Convolution layer = s.Transposed
            ? nn.ConvTranspose2d(s.In, s.Out, s.Kernel, stride: s.Stride, padding: s.Padding)
            : nn.Conv2d(s.In, s.Out, s.Kernel, stride: s.Stride, padding: s.Padding);
        return layer.to(dtype);
    }

    sealed record Pass(Tensor Output, Tensor InputGradient, Tensor[] ParameterGradients, Tensor Weights);

    /// <summary>y = layer(x); s = Σ w·y; g = ∂s/∂x (create_graph); objective = s + mean_b (‖g_b‖ − 1)² and its parameter
    /// gradients, as the gradient penalty differentiates through the input gradient.</summary>
    static Pass Run(Convolution layer, Tensor x0, bool routed, Tensor? weights, Generator generator)
    {
        PoisonFreedMemory();
        var x = x0.detach().requires_grad_(true);
        var y = layer switch
        {
            Conv2d conv => ConvRoute.Forward(conv, x, routed),
            ConvTranspose2d deconv => ConvRoute.Forward(deconv, x, routed),
            _ => throw new ArgumentException($"not a 2-D convolution: {layer.GetType().Name}"),
        };
        var w = weights is null ? randn(y.shape, ScalarType.Float64, generator: generator) : weights;
        var s = (y * w.to_type(y.dtype)).sum();
        var g = autograd.grad([s], [x], retain_graph: true, create_graph: true)[0];
        var penalty = (g.flatten(1).norm(1) - 1).square().mean();
        var parameters = layer.parameters().ToArray();
        var parameterGradients = autograd.grad([s + penalty], parameters).ToArray();
        return new Pass(y.detach(), g.detach(), parameterGradients, w);
    }

    static double Relative(Tensor single, Tensor reference)
    {
        using var scope = NewDisposeScope();
        var difference = (single.to_type(ScalarType.Float64) - reference).norm().item<double>();
        var size = reference.norm().item<double>();
        var error = difference / (size + 1e-30);
        return double.IsFinite(error) ? error : double.PositiveInfinity;
    }
}
