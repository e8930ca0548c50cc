using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_cifar_resnet.py's pre-activation ResidualBlock: out = shortcut(x) + F(x), F = N → ReLU → conv1 → N → ReLU → conv2,
/// 3×3 convs with symmetric padding 1 (tflib's stride-1 'SAME'), he init, biases.
/// Up: conv1 = nearest 2× upsample then conv in → out (the code's order); conv2 out → out; shortcut = upsample + 1×1 conv.
/// With <c>upsampleBeforeSecondConv</c> the upsample moves just before conv2 (App. F's wording); the norm and ReLU in between
/// are per channel, so they commute with nearest upsampling and the two orders differ only in conv1's resolution.
/// Down: conv1 in → in; conv2 = conv in → out then 2×2 mean-pool; shortcut = 1×1 conv then mean-pool.
/// None: conv1 in → out, conv2 out → out; identity shortcut when in = out, else a 1×1 conv.
/// Shortcut convs: Glorot (he_init=False), with bias. N: none (the critic), batch norm, or conditional batch norm
/// (<paramref name="classes"/> &gt; 0), whose per-class scale and offset need the labels.
/// </summary>
public sealed class CifarResBlock : nn.Module<Tensor, Tensor?, Tensor>
{
    readonly nn.Module norm1;
    readonly nn.Module norm2;
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Conv2d? shortcut;
    readonly Resample resample;
    readonly bool upsampleBeforeSecondConv;

    public CifarResBlock(long input, long output, Resample resample = Resample.None, Normaliser norm = Normaliser.None,
        int classes = 0, bool upsampleBeforeSecondConv = false, InitScheme init = InitScheme.Tflib) : base("cifar-res-block")
    {
        if (classes > 0 && norm != Normaliser.Batch)
            throw new ArgumentException($"conditional normalisation is batch norm; got {norm} with {classes} classes");
        this.resample = resample;
        this.upsampleBeforeSecondConv = upsampleBeforeSecondConv;
        var middle = resample == Resample.Down ? input : output;
        norm1 = Norm(norm, input, classes);
        norm2 = Norm(norm, middle, classes);
        conv1 = nn.Conv2d(input, middle, 3, padding: 1);
        conv2 = nn.Conv2d(middle, output, 3, padding: 1);
        shortcut = resample == Resample.None && input == output ? null : nn.Conv2d(input, output, 1);
        RegisterComponents();
        TflibInit.Conv(conv1, scheme: init);
        TflibInit.Conv(conv2, scheme: init);
        if (shortcut is not null) TflibInit.Conv(shortcut, he: false, scheme: init);
    }

    public override Tensor forward(Tensor x, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var identity = resample switch
        {
            Resample.Up => shortcut!.Routed(Resampling.NearestUp2x(x)),
            Resample.Down => Resampling.MeanPool2x(shortcut!.Routed(x)),
            _ => shortcut is null ? x : shortcut.Routed(x),
        };
        var h = nn.functional.relu(Normalize(norm1, x, labels));
        if (resample == Resample.Up && !upsampleBeforeSecondConv) h = Resampling.NearestUp2x(h);
        h = nn.functional.relu(Normalize(norm2, conv1.Routed(h), labels));
        if (resample == Resample.Up && upsampleBeforeSecondConv) h = Resampling.NearestUp2x(h);
        h = conv2.Routed(h);
        if (resample == Resample.Down) h = Resampling.MeanPool2x(h);
        return (identity + h).MoveToOuterDisposeScope();
    }

    static nn.Module Norm(Normaliser kind, long channels, int classes) =>
        classes > 0 ? new ConditionalBatchNorm2d(channels, classes) : NormaliserLayers.For2d(kind, channels);

    static Tensor Normalize(nn.Module norm, Tensor x, Tensor? labels) => norm switch
    {
        ConditionalBatchNorm2d conditional => conditional.call(x,
            labels ?? throw new ArgumentException("this block uses conditional batch norm: labels are required")),
        nn.Module<Tensor, Tensor> plain => plain.call(x),
        _ => throw new InvalidOperationException($"unexpected normaliser {norm.GetType().Name}"),
    };
}
