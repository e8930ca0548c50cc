using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// torchvision's auxiliary classifier on Mixed_6e (keys <c>AuxLogits.conv0.*</c>, <c>AuxLogits.conv1.*</c>,
/// <c>AuxLogits.fc.*</c>): avg pool 5/s3 (17 → 5) → 1×1 → 128 → 5×5 → 768 → global average → fc. torchvision runs it
/// only in training; <see cref="InceptionV3"/> holds it so torchvision's weight files load, and never calls it.
/// </summary>
public sealed class InceptionAux : nn.Module<Tensor, Tensor>
{
    readonly BasicConv2d conv0;
    readonly BasicConv2d conv1;
    readonly Linear fc;

    public InceptionAux(long input, long classes) : base(nameof(InceptionAux))
    {
        conv0 = new BasicConv2d(input, 128, 1);
        conv1 = new BasicConv2d(128, 768, 5);
        fc = nn.Linear(768, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = conv1.call(conv0.call(nn.functional.avg_pool2d(x, 5, stride: 3)));
        return fc.call(h.mean([2L, 3L])).MoveToOuterDisposeScope();
    }
}
