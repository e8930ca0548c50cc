using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's BottleneckResidualBlock (the ResNet-101 pair, Figure 2 row 7): out = shortcut(x) + 0.3·F(x) with
/// F = ReLU → 1×1 conv (in → in/2) → ReLU → 3×3 conv (in/2 → out/2) → ReLU → 1×1 conv (out/2 → out, no bias) → N.
/// The 3×3 conv is a stride-2 'SAME' conv for <see cref="Resample.Down"/> (pads 0 before, 1 after) and a stride-2 'SAME'
/// transposed conv for <see cref="Resample.Up"/>. Shortcut: identity when the shape is kept, else a 1×1 conv with bias
/// (stride 2 for Down; for Up a <see cref="SubpixelConv2d"/>: 1×1 conv to 4·out, depth-to-space 2).
/// tflib init: the three branch convs he_init, the shortcut Glorot (the code passes he_init=False); biases 0.
/// </summary>
public sealed class BottleneckBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>The residual branch's weight in the code (keeps 33 stacked blocks from blowing up at init).</summary>
    public const double ResidualScale = 0.3;

    readonly Conv2d conv1;
    readonly nn.Module<Tensor, Tensor> conv1b;
    readonly Conv2d conv2;
    readonly nn.Module<Tensor, Tensor> normalizer;
    readonly nn.Module<Tensor, Tensor>? shortcut;

    public BottleneckBlock(long input, long output, Resample resample = Resample.None, Normaliser norm = Normaliser.Batch,
        InitScheme init = InitScheme.Tflib) : base("bottleneck-block")
    {
        if (input % 2 != 0 || output % 2 != 0)
            throw new ArgumentException($"bottleneck widths must be even (halved inside), got {input} → {output}");
        conv1 = nn.Conv2d(input, input / 2, 1);
        conv1b = resample switch
        {
            Resample.Down => new SameConv2d(input / 2, output / 2, 3, stride: 2),
            Resample.Up => new SameConvTranspose2d(input / 2, output / 2, 3),
            _ => nn.Conv2d(input / 2, output / 2, 3, padding: 1),   // stride-1 'SAME' is symmetric
        };
        conv2 = nn.Conv2d(output / 2, output, 1, bias: false);
        normalizer = NormaliserLayers.For2d(norm, output);
        shortcut = resample switch
        {
            Resample.Down => nn.Conv2d(input, output, 1, stride: 2),   // 'SAME' with k = 1 pads nothing
            Resample.Up => new SubpixelConv2d(input, output),
            _ when input != output => nn.Conv2d(input, output, 1),
            _ => null,
        };
        RegisterComponents();
        Initialise(resample, init);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = conv1.Routed(nn.functional.relu(x));
        h = conv1b.Routed(nn.functional.relu(h));
        h = normalizer.call(conv2.Routed(nn.functional.relu(h)));
        var identity = shortcut is null ? x : shortcut.Routed(x);
        return (identity + ResidualScale * h).MoveToOuterDisposeScope();
    }

    void Initialise(Resample resample, InitScheme init)
    {
        TflibInit.Conv(conv1, scheme: init);
        switch (conv1b)
        {
            case SameConv2d down: TflibInit.Conv(down.Conv, stride: 2, scheme: init); break;
            case SameConvTranspose2d up: TflibInit.Deconv(up.Deconv, scheme: init); break;
            case Conv2d plain: TflibInit.Conv(plain, scheme: init); break;
        }
        TflibInit.Conv(conv2, scheme: init);
        switch (shortcut)
        {
            case SubpixelConv2d up: TflibInit.Conv(up.Conv, he: false, scheme: init); break;
            case Conv2d conv: TflibInit.Conv(conv, stride: resample == Resample.Down ? 2 : 1, he: false, scheme: init); break;
        }
    }
}
