using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's DCGANGenerator (Figure 2, row 1): Linear z → 4·4·(dim·size/8) → [dim·size/8, 4, 4] → N → ReLU, then
/// 5×5 'SAME' transposed convs halving the channels and doubling the resolution (N, ReLU after each) up to size/2, and a
/// last one to the image channels → tanh. For 64×64 and dim 64: 512 → 256 → 128 → 64 → 3. Weights uniform with
/// σ = 0.02 as the code's DCGAN pair; biases 0.
/// </summary>
public sealed class DcganGenerator : nn.Module<Tensor, Tensor>
{
    readonly Linear input;
    readonly nn.Module<Tensor, Tensor> inputNorm;
    readonly ModuleList<SameConvTranspose2d> ups = new();
    readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    readonly long start;

    public DcganGenerator(int latent = 128, int dim = 64, int size = 64, int channels = 3, Normalization norm = Normalization.Batch)
        : base("dcgan-generator")
    {
        if (size < 8 || (size & (size - 1)) != 0) throw new ArgumentException($"size must be a power of two ≥ 8, got {size}");
        start = dim * size / 8;
        input = nn.Linear(latent, 4 * 4 * start);
        inputNorm = Normalizers.For2d(norm, start);
        var width = start;
        for (var resolution = 4; resolution < size; resolution *= 2)
        {
            var last = resolution * 2 == size;
            var output = last ? channels : width / 2;
            ups.Add(new SameConvTranspose2d(width, output, 5));
            if (!last) norms.Add(Normalizers.For2d(norm, output));
            width = output;
        }
        RegisterComponents();
        DcganInit.Apply(this);
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(inputNorm.call(input.call(z).view(-1, start, 4, 4)));
        for (var i = 0; i < ups.Count; i++)
            x = i < norms.Count ? nn.functional.relu(norms[i].call(ups[i].call(x))) : tanh(ups[i].call(x));
        return x.MoveToOuterDisposeScope();
    }
}
