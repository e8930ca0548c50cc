using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_mnist.py's generator, 28×28×1: Linear z → 4·4·4·dim → [N] → ReLU → [4·dim, 4, 4] → 5×5 'SAME' transposed conv
/// 4·dim → 2·dim (8×8) → [N] → ReLU → keep the first 7 rows and columns (the code's [:, :, :7, :7]) → 2·dim → dim
/// (14×14) → [N] → ReLU → dim → 1 (28×28) → sigmoid (data in [0, 1]). N is batch norm only under clipping
/// (the cell builder's choice (Cells.normalisers)); the 8×8 normaliser sees the map before the crop, as in the code.
/// tflib init: Linear Glorot, transposed convs He.
/// </summary>
public sealed class MnistDcganGenerator : nn.Module<Tensor, Tensor>
{
    readonly Linear input;
    readonly nn.Module<Tensor, Tensor> inputNorm, norm2, norm3;
    readonly SameConvTranspose2d up2, up3, up5;
    readonly long start;

    public MnistDcganGenerator(int latent = 128, int dim = 64, Normaliser norm = Normaliser.None, InitScheme init = InitScheme.Tflib)
        : base("mnist-dcgan-generator")
    {
        start = 4L * dim;
        input = nn.Linear(latent, 4 * 4 * start);
        inputNorm = NormaliserLayers.ForFeatures(norm, 4 * 4 * start);
        up2 = new SameConvTranspose2d(4L * dim, 2L * dim, 5);
        norm2 = NormaliserLayers.For2d(norm, 2L * dim);
        up3 = new SameConvTranspose2d(2L * dim, dim, 5);
        norm3 = NormaliserLayers.For2d(norm, dim);
        up5 = new SameConvTranspose2d(dim, 1, 5);
        RegisterComponents();
        TflibInit.Linear(input, he: false, init);
        foreach (var up in new[] { up2, up3, up5 }) TflibInit.Deconv(up.Deconv, scheme: init);
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(inputNorm.call(input.call(z))).view(-1, start, 4, 4);
        x = nn.functional.relu(norm2.call(up2.call(x)));
        x = x[.., .., ..7, ..7];   // 8×8 → 7×7 so two doublings reach 28
        x = nn.functional.relu(norm3.call(up3.call(x)));
        return sigmoid(up5.call(x)).MoveToOuterDisposeScope();
    }
}
