using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's DCGANDiscriminator (Figure 2, row 1): 5×5 stride-2 'SAME' convs from the image channels to dim, then
/// doubling the channels down to 4×4 (no normaliser on the first, N after the others), LeakyReLU(0.2) after each, then
/// Linear → 1. For 64×64 and dim 64: 3 → 64 → 128 → 256 → 512, 8192 → 1. N follows the method (see
/// <see cref="Normalizers.CriticUnder"/>). Weights uniform with σ = 0.02; biases 0.
/// </summary>
public sealed class DcganCritic : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<SameConv2d> downs = new();
    readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    readonly Linear output;

    public DcganCritic(int dim = 64, int size = 64, int channels = 3, Normalization norm = Normalization.Layer)
        : base("dcgan-critic")
    {
        if (size < 8 || (size & (size - 1)) != 0) throw new ArgumentException($"size must be a power of two ≥ 8, got {size}");
        long width = channels;
        for (var resolution = size; resolution > 4; resolution /= 2)
        {
            var next = width == channels ? dim : width * 2;
            downs.Add(new SameConv2d(width, next, 5, stride: 2));
            norms.Add(width == channels ? nn.Identity() : Normalizers.For2d(norm, next));
            width = next;
        }
        output = nn.Linear(4 * 4 * width, 1);
        RegisterComponents();
        DcganInit.Apply(this);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        for (var i = 0; i < downs.Count; i++)
            x = nn.functional.leaky_relu(norms[i].call(downs[i].call(x)), 0.2);
        return output.call(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
