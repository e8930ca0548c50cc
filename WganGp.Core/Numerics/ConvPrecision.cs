using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Numerics;

/// <summary>
/// The precision the convolutions of this thread compute in: float32 unless a training session set another for its
/// steps (<see cref="Use"/>); <see cref="ConvRoute"/>'s forwards read it. Ambient, like the route's mode, because the
/// networks call their convolutions through static extensions; per thread, so that sampling or scoring on another
/// thread stays float32.
/// </summary>
public static class ConvPrecision
{
    [ThreadStatic] static Precision current;

    public static Precision Current => current;

    /// <summary>Relative error above which a bf16 result is wrong: bf16 keeps 8 significant bits (2⁻⁸ ≈ 0.4 % per
    /// rounding), so right results measure a few 1e-3; a kernel that reads uninitialised memory or sums wrongly is off
    /// by order 1.</summary>
    public const double Bf16Tolerance = 5e-2;

    /// <summary>Sets this thread's precision until the result is disposed (the previous one comes back).</summary>
    public static IDisposable Use(Precision precision)
    {
        var previous = current;
        current = precision;
        return new Restore(previous);
    }

    sealed class Restore(Precision previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }

    /// <summary>Whether this machine computes bf16 convolutions natively: a CUDA device, or a CPU with avx512_bf16 or
    /// AMX (elsewhere oneDNN emulates them, slower than float32).</summary>
    public static bool Native(Device device) =>
        device.type == TorchSharp.DeviceType.CUDA || CpuFeatures.Current.VectorFlags.Any(f => f is "avx512_bf16" or "amx_bf16");

    /// <summary>Why <paramref name="precision"/> should not be used on <paramref name="device"/> here (the run config and the
    /// CLI refuse with it); null when it can.</summary>
    public static string? Unsupported(Precision precision, Device device) =>
        precision != Precision.Float32 && !Native(device)
            ? "this CPU has neither avx512_bf16 nor AMX, so bf16 convolutions would be emulated (slower than float32)"
            : null;

    /// <summary><paramref name="conv"/> on <paramref name="x"/> with input, weight and bias cast to bf16 and the output cast
    /// back to float32; the casts are differentiable, so gradients (and the penalty's double backward) reach the float32
    /// weights.</summary>
    internal static Tensor Forward(Conv2d conv, Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.conv2d(x.to(bfloat16), conv.weight!.to(bfloat16), conv.bias?.to(bfloat16), conv.stride,
            conv.padding!, conv.dilation, conv.groups);
        return y.to(x.dtype).MoveToOuterDisposeScope();
    }

    internal static Tensor Forward(ConvTranspose2d deconv, Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.conv_transpose2d(x.to(bfloat16), deconv.weight!.to(bfloat16), deconv.bias?.to(bfloat16),
            deconv.stride, deconv.padding!, deconv.output_padding, deconv.dilation, deconv.groups);
        return y.to(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Whether <paramref name="layer"/> can be computed by <see cref="Forward(Conv2d, Tensor)"/>: zero padding
    /// given as numbers (not 'same'/'valid') and a float32 input; any other layer computes itself (in float32).</summary>
    internal static bool Applies(Convolution layer, Tensor x) =>
        current == Precision.Bf16Convolutions && x.dtype == float32 && layer.padding_mode == TorchSharp.PaddingModes.Zeros
        && layer.padding is not null && layer.padding_type is null;

    /// <summary>Checks these shapes in bf16 against float64 on this machine (<see cref="NumericsCanary"/>'s objective,
    /// with <see cref="Bf16Tolerance"/>); the caller refuses a run with a wrong one.</summary>
    public static IReadOnlyList<ConvCheck> Check(IEnumerable<ConvShape> shapes, int trials = ConvRoute.DefaultTrials, long batch = ConvRoute.DefaultBatch)
    {
        using var _ = Use(Precision.Bf16Convolutions);
        return shapes.Distinct().Select(s => NumericsCanary.Check(s, routed: false, trials, batch, Bf16Tolerance)).ToArray();
    }
}
