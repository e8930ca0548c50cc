using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's ResnetDiscriminator (Figure 2, row 7), the generator's mirror: a 1×1 conv from the image channels to
/// the top stage's width, then per stage of <see cref="ResNet101Layout"/> (from the image size down to 4×4) a
/// downsampling <see cref="BottleneckBlock"/> (not before the first) and the stage's same-shape blocks, then
/// Linear 4·4·8dim → 1 and / 5. At 64×64, dim 64: 1×1 3 → 32, 5@64², Down → 64, 6@32², Down → 128, 6@16², Down → 256,
/// 6@8², Down → 512, 6@4², 8192 → 1. The block normaliser follows the method (the cell builder's choice, Cells.normalisers:
/// layer norm under the gradient penalty). tflib init: input conv Glorot (he_init=False), Linear Glorot.
/// </summary>
public sealed class ResNet101Critic : nn.Module<Tensor, Tensor>
{
    readonly Conv2d input;
    readonly ModuleList<BottleneckBlock> blocks = new();
    readonly Linear output;

    public ResNet101Critic(int dim = 64, int size = 64, int channels = 3, Normaliser norm = Normaliser.Layer,
        InitScheme init = InitScheme.Tflib) : base("resnet101-critic")
    {
        var stages = ResNet101Layout.Stages(dim, size).Reverse().ToList();
        var width = stages[0].Width;
        input = nn.Conv2d(channels, width, 1);
        foreach (var stage in stages)
        {
            if (stage.Width != width) blocks.Add(new BottleneckBlock(width, stage.Width, Resample.Down, norm, init));
            width = stage.Width;
            for (var i = 0; i < stage.Blocks; i++) blocks.Add(new BottleneckBlock(width, width, Resample.None, norm, init));
        }
        output = nn.Linear(4 * 4 * width, 1);
        RegisterComponents();
        TflibInit.Conv(input, he: false, scheme: init);
        TflibInit.Linear(output, he: false, init);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = input.Routed(x);
        foreach (var block in blocks) h = block.call(h);
        return (output.call(h.flatten(1)) / 5.0).MoveToOuterDisposeScope();
    }
}
