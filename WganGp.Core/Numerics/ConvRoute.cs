using System.Collections.Concurrent;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Numerics;

/// <summary>
/// Computes convolutions around libtorch 2.10's faulty oneDNN kernels. Measured on AVX-512 machines (float32 against
/// float64, freed memory poisoned): the input gradient of a Conv2d with few output channels (1 → 4, 16 → 3, 128 → 3, …),
/// the forward of a ConvTranspose2d with few input channels (8 → 1, 1 → 1), the forward of a Conv2d with 24 or 40
/// input channels, shapes with 48 or 80 channels, and the double backward's parameter gradients of 1×1 convs read
/// uninitialised memory or compute wrong sums. Which shapes are wrong differs between machines that report the same
/// CPU flags, so the route is decided per shape, from the shapes a run uses: each is checked once on this machine
/// (<see cref="NumericsCanary"/>; kept in this process and in <see cref="ConvCheckCache"/>), computed by libtorch as it
/// is when right, and routed when wrong. The route zero-pads a channel count to 16, or above 16 to a multiple of 32
/// (kernels that were right; image channels ≤ 4 are never padded), and computes a 1×1 conv as the matrix product it
/// is: the same function of the same parameters. Networks call their convolutions through
/// <see cref="Routed(Conv2d, Tensor)"/>; a run decides its networks' shapes before it trains (TrainingSession), and a
/// shape met later is checked when first met.
/// </summary>
public static class ConvRoute
{
    /// <summary>Environment variable that forces the mode: auto (default), on, off.</summary>
    public const string ModeVariable = "WGANGP_CONV_ROUTE";

    /// <summary>Channel counts up to this are padded to it; larger ones to a multiple of <see cref="ChannelBlock"/>.</summary>
    public const long SmallChannels = 16;

    /// <summary>Larger channel counts are padded to a multiple of this (48 and 80 were wrong; 32, 64, 96 right).</summary>
    public const long ChannelBlock = 32;

    /// <summary>The canary's trials and batch for a shape, as the probe always used.</summary>
    public const int DefaultTrials = 2;

    public const long DefaultBatch = 4;

    static readonly object gate = new();
    static ConvRouteMode? mode;
    static ConcurrentDictionary<ConvShape, int>? recorder;

    /// <summary>This process's verdicts, by shape (read on every convolution: no lock).</summary>
    static readonly ConcurrentDictionary<ConvShape, ConvVerdict> verdicts = new();

    /// <summary>This process's mode: <see cref="ModeVariable"/>'s, unless <see cref="Use"/> set another.</summary>
    public static ConvRouteMode Mode
    {
        get
        {
            if (mode is { } m) return m;
            lock (gate) return mode ??= ModeFromEnvironment();
        }
    }

    /// <summary>Sets the mode for the rest of the process (benchmarks compare on and off; tests force the route).</summary>
    public static void Use(ConvRouteMode newMode)
    {
        lock (gate) mode = newMode;
    }

    /// <summary>The mode named by <see cref="ModeVariable"/>; an unknown value is an error naming it.</summary>
    public static ConvRouteMode ModeFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(ModeVariable);
        if (string.IsNullOrWhiteSpace(value)) return ConvRouteMode.Auto;
        return Enum.TryParse<ConvRouteMode>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ArgumentException($"{ModeVariable}={value}: expected auto, on or off");
    }

    /// <summary>
    /// Decides these shapes under the process's mode: in <see cref="ConvRouteMode.Auto"/>, each shape this process has
    /// not decided is taken from this machine's cache or checked now (about 0.1 s a shape; <paramref name="fresh"/>
    /// checks every one again), and the cache is updated. The checks use their own random generator and leave torch's
    /// global stream where it was. A shape wrong even routed is in <see cref="ConvRouteDecision.Wrong"/>: the caller
    /// decides whether to stop.
    /// </summary>
    public static ConvRouteDecision Decide(IEnumerable<ConvShape> shapes, int trials = DefaultTrials, long batch = DefaultBatch, bool fresh = false) =>
        Mode == ConvRouteMode.Auto ? Check(shapes, trials, batch, fresh) : ConvRouteDecision.Forced(Mode);

    /// <summary>The decision <see cref="ConvRouteMode.Auto"/> makes for these shapes, whatever the process's mode
    /// (`wgangp doctor` reports it under every mode).</summary>
    public static ConvRouteDecision Check(IEnumerable<ConvShape> shapes, int trials = DefaultTrials, long batch = DefaultBatch, bool fresh = false)
    {
        var wanted = shapes.Distinct().ToArray();
        lock (gate)
        {
            var cache = ConvCheckCache.ForThisMachine(batch);
            var known = fresh ? new Dictionary<ConvShape, ConvVerdict>() : cache.Load();
            var decided = new List<ConvVerdict>();
            var checkedNow = new List<ConvVerdict>();
            int fromCache = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            foreach (var shape in wanted)
            {
                ConvVerdict verdict;
                if (!fresh && batch == DefaultBatch && verdicts.TryGetValue(shape, out var mine) && mine.Unrouted.Trials >= trials) verdict = mine;
                else if (known.TryGetValue(shape, out var cached) && cached.Unrouted.Trials >= trials)
                {
                    verdict = cached;
                    fromCache++;
                }
                else
                {
                    verdict = Check(shape, trials, batch);
                    checkedNow.Add(verdict);
                }
                if (batch == DefaultBatch) verdicts[shape] = verdict;
                decided.Add(verdict);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            var note = checkedNow.Count > 0 ? cache.Save(checkedNow) ?? cache.Path : cache.Path;
            return new ConvRouteDecision(ConvRouteMode.Auto, decided, checkedNow.Count, fromCache, seconds, note);
        }
    }

    /// <summary>One shape checked as libtorch computes it and, when that is wrong, as the route computes it.</summary>
    static ConvVerdict Check(ConvShape shape, int trials, long batch)
    {
        var unrouted = NumericsCanary.Check(shape, routed: false, trials, batch);
        return new ConvVerdict(shape, unrouted, unrouted.Ok ? null : NumericsCanary.Check(shape, routed: true, trials, batch));
    }

    /// <summary>Whether the networks compute this shape through the route: always when forced on, never when forced
    /// off, else as decided (a shape not decided yet is decided now). A shape wrong even routed is an error naming it.</summary>
    public static bool Routes(ConvShape shape)
    {
        switch (Mode)
        {
            case ConvRouteMode.On: return true;
            case ConvRouteMode.Off: return false;
        }
        if (!verdicts.TryGetValue(shape, out var verdict))
        {
            var decision = Decide([shape]);
            if (decision.Wrong.Count > 0) throw new InvalidOperationException(decision.WrongMessage);
            verdict = decision.Verdicts[0];
        }
        return verdict.Route;
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
    public static IReadOnlyList<ConvShape> RecordShapes(Action body) => RecordCalls(body).Keys.ToArray();

    /// <summary>Runs <paramref name="body"/> and returns every convolution shape called through the route meanwhile,
    /// with how many times it was called (a network's FLOPs count repeated blocks).</summary>
    public static IReadOnlyDictionary<ConvShape, int> RecordCalls(Action body)
    {
        var shapes = new ConcurrentDictionary<ConvShape, int>();
        lock (gate)
        {
            if (recorder is not null) throw new InvalidOperationException("shapes are already being recorded");
            recorder = shapes;
        }
        try { body(); }
        finally { lock (gate) recorder = null; }
        return shapes;
    }

    static void Record(ConcurrentDictionary<ConvShape, int> shapes, ConvShape shape) => shapes.AddOrUpdate(shape, 1, (_, n) => n + 1);

    /// <summary>The conv of a network, computed around the fault when its shape needs it.</summary>
    public static Tensor Routed(this Conv2d conv, Tensor x)
    {
        var shape = ShapeOf(conv, x);
        if (recorder is { } shapes)
        {
            Record(shapes, shape);   // recording a network's shapes: nothing is decided yet
            return conv.call(x);
        }
        return Forward(conv, x, Routes(shape));
    }

    /// <summary>The transposed conv of a network, computed around the fault when its shape needs it.</summary>
    public static Tensor Routed(this ConvTranspose2d deconv, Tensor x)
    {
        var shape = ShapeOf(deconv, x);
        if (recorder is { } shapes)
        {
            Record(shapes, shape);
            return deconv.call(x);
        }
        return Forward(deconv, x, Routes(shape));
    }

    /// <summary>The 1-D conv of a network: a kernel-1 conv (the language model's input and output layers) is the 1×1
    /// conv of a 1 × length image, decided and routed as one (the matrix product it is).</summary>
    public static Tensor Routed(this Conv1d conv, Tensor x)
    {
        if (!Routable(conv) || conv.kernel_size[0] != 1 || conv.stride[0] != 1 || conv.padding![0] != 0) return conv.call(x);
        var shape = new ConvShape(false, conv.in_channels, conv.out_channels, 1, 1, 0, 1, x.shape[^1]);
        if (recorder is { } shapes)
        {
            Record(shapes, shape);
            return conv.call(x);
        }
        if (!Routes(shape)) return conv.call(x);
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
        if (ConvPrecision.Applies(conv, x)) return ConvPrecision.Forward(conv, x);   // bf16 kernels: the route is float32's
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
        if (ConvPrecision.Applies(deconv, x)) return ConvPrecision.Forward(deconv, x);
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
