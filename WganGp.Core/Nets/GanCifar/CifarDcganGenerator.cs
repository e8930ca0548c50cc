using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_cifar.py's generator (Figure 3), 32×32×3: Linear z → 4·4·4·dim → batch norm per feature (tflib's Batchnorm over
/// axis 0, before the reshape) → ReLU → [4·dim, 4, 4] → 5×5 'SAME' transposed convs 4·dim → 2·dim → dim, each followed by
/// batch norm and ReLU → transposed conv dim → 3 → tanh. tflib init: Linear Glorot, transposed convs He. `channels`
/// other than 3 (1: grayscale) changes only the last convolution's output.
/// </summary>
public sealed class CifarDcganGenerator : nn.Module<Tensor, Tensor>
{
    readonly Linear input;
    readonly nn.Module<Tensor, Tensor> inputNorm, norm2, norm3;
    readonly SameConvTranspose2d up2, up3, up5;
    readonly long start;

    public CifarDcganGenerator(int latent = 128, int dim = 128, InitScheme init = InitScheme.Tflib, int channels = 3)
        : base("cifar-dcgan-generator")
    {
        start = 4L * dim;
        input = nn.Linear(latent, 4 * 4 * start);
        inputNorm = NormaliserLayers.ForFeatures(Normaliser.Batch, 4 * 4 * start);
        up2 = new SameConvTranspose2d(4L * dim, 2L * dim, 5);
        norm2 = NormaliserLayers.For2d(Normaliser.Batch, 2L * dim);
        up3 = new SameConvTranspose2d(2L * dim, dim, 5);
        norm3 = NormaliserLayers.For2d(Normaliser.Batch, dim);
        up5 = new SameConvTranspose2d(dim, channels, 5);
        RegisterComponents();
        TflibInit.Linear(input, he: false, init);
        foreach (var up in new[] { up2, up3, up5 }) TflibInit.Deconv(up.Deconv, scheme: init);
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(inputNorm.call(input.call(z))).view(-1, start, 4, 4);
        x = nn.functional.relu(norm2.call(up2.call(x)));
        x = nn.functional.relu(norm3.call(up3.call(x)));
        return tanh(up5.call(x)).MoveToOuterDisposeScope();
    }
}
