using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// The critic gan_cifar.py and gan_mnist.py share: 5×5 stride-2 'SAME' convs channels → dim → 2·dim → 4·dim down to 4×4
/// (32 → 16 → 8 → 4 or 28 → 14 → 7 → 4), N after the second and third, LeakyReLU(0.2) after each, then Linear
/// 4·4·4·dim → 1. tflib init: convs He, Linear Glorot.
/// </summary>
public class TflibDcganCritic : nn.Module<Tensor, Tensor>
{
    readonly SameConv2d conv1, conv2, conv3;
    readonly nn.Module<Tensor, Tensor> norm2, norm3;
    readonly Linear output;

    protected TflibDcganCritic(string name, int channels, int dim, Normaliser norm, InitScheme init) : base(name)
    {
        conv1 = new SameConv2d(channels, dim, 5, stride: 2);
        conv2 = new SameConv2d(dim, 2L * dim, 5, stride: 2);
        norm2 = NormaliserLayers.For2d(norm, 2L * dim);
        conv3 = new SameConv2d(2L * dim, 4L * dim, 5, stride: 2);
        norm3 = NormaliserLayers.For2d(norm, 4L * dim);
        output = nn.Linear(4 * 4 * 4L * dim, 1);
        RegisterComponents();
        foreach (var conv in new[] { conv1, conv2, conv3 }) TflibInit.Conv(conv.Conv, stride: 2, scheme: init);
        TflibInit.Linear(output, he: false, init);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = nn.functional.leaky_relu(conv1.call(x), 0.2);
        x = nn.functional.leaky_relu(norm2.call(conv2.call(x)), 0.2);
        x = nn.functional.leaky_relu(norm3.call(conv3.call(x)), 0.2);
        return output.call(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
