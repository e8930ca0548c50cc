using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_cifar_resnet.py's OptimizedResBlockDisc1, the critic's first block, without pre-activation (the input is the image):
/// F = 3×3 conv in → out → ReLU → 3×3 conv out → out → 2×2 mean-pool; shortcut = mean-pool → 1×1 conv in → out
/// (Glorot, with bias). 3×3 convs: padding 1, he init.
/// </summary>
public sealed class CifarFirstBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Conv2d shortcut;

    public CifarFirstBlock(long input, long output, InitScheme init = InitScheme.Tflib) : base("cifar-first-block")
    {
        conv1 = nn.Conv2d(input, output, 3, padding: 1);
        conv2 = nn.Conv2d(output, output, 3, padding: 1);
        shortcut = nn.Conv2d(input, output, 1);
        RegisterComponents();
        TflibInit.Conv(conv1, scheme: init);
        TflibInit.Conv(conv2, scheme: init);
        TflibInit.Conv(shortcut, he: false, scheme: init);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var identity = shortcut.Routed(Resampling.MeanPool2x(x));
        var h = Resampling.MeanPool2x(conv2.Routed(nn.functional.relu(conv1.Routed(x))));
        return (identity + h).MoveToOuterDisposeScope();
    }
}
