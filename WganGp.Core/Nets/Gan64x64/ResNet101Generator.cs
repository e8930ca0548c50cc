using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's ResnetGenerator (Figure 2, row 7): Linear z → 4·4·8dim → [8dim, 4, 4], then per stage of
/// <see cref="ResNet101Layout"/> an upsampling <see cref="BottleneckBlock"/> (not before the first) and the stage's
/// same-shape blocks, then a 1×1 conv to the image channels and tanh(x / 5). At 64×64, dim 64: 6@4² (512), Up → 256,
/// 6@8², Up → 128, 6@16², Up → 64, 6@32², Up → 32, 5@64², 1×1 32 → 3. Block norms N: batch norm by default.
/// tflib init: Linear Glorot, output conv Glorot (he_init=False), blocks as <see cref="BottleneckBlock"/>.
/// </summary>
public sealed class ResNet101Generator : nn.Module<Tensor, Tensor>
{
    readonly Linear input;
    readonly ModuleList<BottleneckBlock> blocks = new();
    readonly Conv2d output;
    readonly long start;

    public ResNet101Generator(int latent = 128, int dim = 64, int size = 64, int channels = 3,
        Normaliser norm = Normaliser.Batch, InitScheme init = InitScheme.Tflib) : base("resnet101-generator")
    {
        var stages = ResNet101Layout.Stages(dim, size);
        start = stages[0].Width;
        input = nn.Linear(latent, 4 * 4 * start);
        var width = start;
        foreach (var stage in stages)
        {
            if (stage.Width != width) blocks.Add(new BottleneckBlock(width, stage.Width, Resample.Up, norm, init));
            width = stage.Width;
            for (var i = 0; i < stage.Blocks; i++) blocks.Add(new BottleneckBlock(width, width, Resample.None, norm, init));
        }
        output = nn.Conv2d(width, channels, 1);
        RegisterComponents();
        TflibInit.Linear(input, he: false, init);
        TflibInit.Conv(output, he: false, scheme: init);
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = input.call(z).view(-1, start, 4, 4);
        foreach (var block in blocks) x = block.call(x);
        // The code scales by 1/5 before tanh (and the critic by 1/5 after its Linear).
        return tanh(output.Routed(x) / 5.0).MoveToOuterDisposeScope();
    }
}
