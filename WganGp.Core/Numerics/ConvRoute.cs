using System.Collections.Concurrent;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Numerics;

/// <summary>
/// Computes convolutions around libtorch 2.10's faulty oneDNN kernels. Measured here (float32 against float64, freed
/// memory poisoned): the input gradient of a Conv2d with few output channels (1 → 4, 16 → 3, 128 → 3, …), the forward of
/// a ConvTranspose2d with few input channels (8 → 1, 1 → 1), the forward of a Conv2d with 24 or 40 input channels, and
/// shapes with 48 or 80 channels read uninitialised memory or compute wrong sums — on AVX-512, and for some shapes
/// (128 → 3 at 3×3) on AVX2 too; 16, 32, 64, 96, 128… channels are right. Zero-padding a channel count to 16, or above 16
/// to a multiple of 32, selects kernels that are right: extra all-zero filters
/// whose outputs are dropped, extra all-zero input channels. It is the same function of the same parameters; only
/// layers with such channel counts pay, and image channels (≤ 4) are never padded. A 1×1 conv, whose double backward
/// gets the parameter gradients wrong on AVX-512 at every channel count, is computed as the matrix product it is.
/// Networks call their convolutions
/// through <see cref="Routed(Conv2d, Tensor)"/>; <see cref="NumericsCanary"/> checks shapes, routed or not.
/// </summary>
public static class ConvRoute
{
    /// <summary>Environment variable that forces the mode: auto (default), on, off.</summary>
    public const string ModeVariable = "WGANGP_CONV_ROUTE";

    /// <summary>Channel counts up to this are padded to it; larger ones to a multiple of <see cref="ChannelBlock"/>.</summary>
    public const long SmallChannels = 16;

    /// <summary>Larger channel counts are padded to a multiple of this (48 and 80 were wrong; 32, 64, 96 right).</summary>
    public const long ChannelBlock = 32;

    static readonly object gate = new();
    static volatile ConvRouteDecision? decision;
    static ConcurrentDictionary<ConvShape, byte>? recorder;

    /// <summary>This process's decision (made once, on first use: an <see cref="ConvRouteMode.Auto"/> decision runs the
    /// probe, well under a second, with its own random generator so that seeded runs are unaffected).</summary>
    public static ConvRouteDecision Decision
    {
        get
        {
            // Read on every convolution: no lock once decided.
            if (decision is { } decided) return decided;
            lock (gate) return decision ??= Decide(ModeFromEnvironment());
        }
    }

    public static bool Active => Decision.Active;

    /// <summary>Re-decides under the given mode (benchmarks compare on and off; tests force the route).</summary>
    public static ConvRouteDecision Use(ConvRouteMode mode)
    {
        lock (gate) return decision = Decide(mode);
    }

    /// <summary>The mode named by <see cref="ModeVariable"/>; an unknown value is an error naming it.</summary>
    public static ConvRouteMode ModeFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(ModeVariable);
        if (string.IsNullOrWhiteSpace(value)) return ConvRouteMode.Auto;
        return Enum.TryParse<ConvRouteMode>(value.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new ArgumentException($"{ModeVariable}={value}: expected auto, on or off");
    }

    static ConvRouteDecision Decide(ConvRouteMode mode)
    {
        switch (mode)
        {
            case ConvRouteMode.On: return new ConvRouteDecision(mode, true, [], $"forced on ({ModeVariable}=on)");
            case ConvRouteMode.Off: return new ConvRouteDecision(mode, false, [], $"forced off ({ModeVariable}=off)");
        }
        var wrong = NumericsCanary.CheckAll(NumericsCanary.Sentinels, routed: false, trials: 2).Where(c => !c.Ok)
            .Select(c => c.Shape).ToArray();
        return wrong.Length == 0
            ? new ConvRouteDecision(mode, false, wrong, "the probe found libtorch's small-channel convolutions right on this CPU")
            : new ConvRouteDecision(mode, true, wrong,
                $"the probe found {wrong.Length} of {NumericsCanary.Sentinels.Count} known-faulty convolution shapes wrong on this CPU");
    }

    /// <summary>Image channels (1 or 3) read by a first layer: those kernels were right, and padding them would
    /// multiply the first layer's cost.</summary>
    public const long ImageChannels = 4;

    /// <summary>Whether a conv's output channel count (a transposed conv's input) is padded when the route is active:
    /// up to 16, or above 16 to a multiple of 32.</summary>
    public static bool Pads(long channels) => Padded(channels) != channels;

    /// <summary>Whether a conv's input channel count (a transposed conv's output) is padded: not for image channels.</summary>
    public static bool PadsInput(long channels) => channels > ImageChannels && Pads(channels);

    static long Padded(long channels) =>
        channels <= SmallChannels ? SmallChannels : (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;

    /// <summary>Runs <paramref name="body"/> and returns every convolution shape called through the route meanwhile.</summary>
    public static IReadOnlyList<ConvShape> RecordShapes(Action body)
    {
        var shapes = new ConcurrentDictionary<ConvShape, byte>();
        lock (gate)
        {
            if (recorder is not null) throw new InvalidOperationException("shapes are already being recorded");
            recorder = shapes;
        }
        try { body(); }
        finally { lock (gate) recorder = null; }
        return shapes.Keys.ToArray();
    }

    /// <summary>The conv of a network, computed around the fault when the route is active.</summary>
    public static Tensor Routed(this Conv2d conv, Tensor x)
    {
        recorder?.TryAdd(ShapeOf(conv, x), 0);
        return Forward(conv, x, Active);
    }

    /// <summary>The transposed conv of a network, computed around the fault when the route is active.</summary>
    public static Tensor Routed(this ConvTranspose2d deconv, Tensor x)
    {
        recorder?.TryAdd(ShapeOf(deconv, x), 0);
        return Forward(deconv, x, Active);
    }

    /// <summary>The 1-D conv of a network: a kernel-1 conv (the language model's input and output layers) as the matrix
    /// product it is, as for 2-D 1×1 convs, when the route is active.</summary>
    public static Tensor Routed(this Conv1d conv, Tensor x)
    {
        if (!Active || !Routable(conv) || conv.kernel_size[0] != 1 || conv.stride[0] != 1 || conv.padding![0] != 0) return conv.call(x);
        using var scope = NewDisposeScope();
        var y = nn.functional.linear(x.transpose(1, 2), conv.weight!.flatten(1), conv.bias).transpose(1, 2);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>A layer that may be a convolution (a block's optional shortcut, say): routed when it is one.</summary>
    public static Tensor Routed(this nn.Module<Tensor, Tensor> layer, Tensor x) => layer switch
    {
        Conv2d conv => conv.Routed(x),
        ConvTranspose2d deconv => deconv.Routed(x),
        _ => layer.call(x),
    };

    internal static ConvShape ShapeOf(Convolution conv, Tensor x) =>
        new(conv is ConvTranspose2d, conv.in_channels, conv.out_channels, conv.kernel_size[0], conv.stride[0],
            conv.padding?[0] ?? 0, x.shape[^2], x.shape[^1]);

    static bool Routable(Convolution conv) =>
        conv.groups == 1 && conv.padding_mode == PaddingModes.Zeros && conv.padding is not null && conv.padding_type is null
        && conv.dilation.All(d => d == 1);

    internal static Tensor Forward(Conv2d conv, Tensor x, bool route)
    {
        if (route && Routable(conv) && conv.kernel_size.All(k => k == 1) && conv.padding!.All(p => p == 0)) return Pointwise(conv, x);
        var (padIn, padOut) = (PadsInput(conv.in_channels), Pads(conv.out_channels));
        if (!route || !(padIn || padOut) || !Routable(conv)) return conv.call(x);
        using var scope = NewDisposeScope();
        var weight = conv.weight!;   // [out, in, kh, kw]
        var (inputs, outputs) = (padIn ? Padded(conv.in_channels) : conv.in_channels, Padded(conv.out_channels));
        var paddedWeight = ZeroPad(ZeroPad(weight, 0, outputs), 1, inputs);
        var paddedBias = conv.bias is { } bias ? ZeroPad(bias, 0, outputs) : null;
        var y = nn.functional.conv2d(ZeroPad(x, 1, inputs), paddedWeight, paddedBias, conv.stride, conv.padding, conv.dilation,
            conv.groups);
        return y.narrow(1, 0, conv.out_channels).MoveToOuterDisposeScope();
    }

    internal static Tensor Forward(ConvTranspose2d deconv, Tensor x, bool route)
    {
        var (padIn, padOut) = (Pads(deconv.in_channels), PadsInput(deconv.out_channels));
        if (!route || !(padIn || padOut) || !Routable(deconv)) return deconv.call(x);
        using var scope = NewDisposeScope();
        var weight = deconv.weight!;   // [in, out, kh, kw]
        var (inputs, outputs) = (Padded(deconv.in_channels), padOut ? Padded(deconv.out_channels) : deconv.out_channels);
        var paddedWeight = ZeroPad(ZeroPad(weight, 0, inputs), 1, outputs);
        var paddedBias = deconv.bias is { } bias ? ZeroPad(bias, 0, outputs) : null;
        var y = nn.functional.conv_transpose2d(ZeroPad(x, 1, inputs), paddedWeight, paddedBias, deconv.stride, deconv.padding,
            deconv.output_padding, deconv.dilation, deconv.groups);
        return y.narrow(1, 0, deconv.out_channels).MoveToOuterDisposeScope();
    }

    /// <summary>A 1×1 conv as the matrix product it is (on AVX-512 oneDNN's 1×1 kernels get the double backward's
    /// parameter gradients wrong at every channel count); a stride subsamples first, as the conv's output does.</summary>
    static Tensor Pointwise(Conv2d conv, Tensor x)
    {
        using var scope = NewDisposeScope();
        var (strideH, strideW) = (conv.stride[0], conv.stride[^1]);
        var input = strideH == 1 && strideW == 1 ? x
            : x.slice(2, 0, x.shape[2], strideH).slice(3, 0, x.shape[3], strideW);
        // Channels last, a Linear over the channels, channels first again (a view: the next layer reads it as it is).
        var y = nn.functional.linear(input.permute(0, 2, 3, 1), conv.weight!.flatten(1), conv.bias).permute(0, 3, 1, 2);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="t"/> with zeros appended along <paramref name="dim"/> up to <paramref name="size"/>.</summary>
    static Tensor ZeroPad(Tensor t, int dim, long size)
    {
        var extra = size - t.shape[dim];
        if (extra == 0) return t;
        var shape = t.shape.ToArray();
        shape[dim] = extra;
        return cat([t, zeros(shape, t.dtype, t.device)], dim);
    }
}
