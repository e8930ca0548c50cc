using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's DCGANDiscriminator (Figure 2, row 1): 5×5 stride-2 'SAME' convs from the image channels to dim, then
/// doubling the channels down to 4×4 (no normaliser on the first, N after the others), LeakyReLU(0.2) after each, then
/// Linear → 1. For 64×64 and dim 64: 3 → 64 → 128 → 256 → 512, 8192 → 1. N follows the method (see
/// the cell builder's choice, Cells.normalisers).
/// The same network with <c>bn=False</c> (row 4: <c>norm</c> None), tanh (row 6) or gated units (row 5,
/// MultiplicativeDCGANDiscriminator: every conv emits twice the channels, N on those except after the first, then the
/// gate halves them; the Linear → 1 is not gated).
/// <see cref="InitScheme.Tflib"/> is the code's init: σ = 0.02 uniform for DCGANDiscriminator, tflib's defaults for
/// MultiplicativeDCGANDiscriminator (convs He with stride 2, Linear Glorot).
/// </summary>
public sealed class DcganCritic : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<SameConv2d> downs = new();
    readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    readonly Linear output;
    readonly Nonlinearity nonlinearity;

    public DcganCritic(int dim = 64, int size = 64, int channels = 3, Normaliser norm = Normaliser.Layer,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, InitScheme init = InitScheme.Tflib)
        : base("dcgan-critic")
    {
        if (size < 8 || (size & (size - 1)) != 0) throw new ArgumentException($"size must be a power of two ≥ 8, got {size}");
        this.nonlinearity = nonlinearity;
        var widening = Nonlinearities.Widening(nonlinearity);
        long width = channels;
        for (var resolution = size; resolution > 4; resolution /= 2)
        {
            var first = downs.Count == 0;
            var next = first ? dim : width * 2;
            downs.Add(new SameConv2d(width, next * widening, 5, stride: 2));
            norms.Add(first ? nn.Identity() : NormaliserLayers.For2d(norm, next * widening));
            width = next;
        }
        output = nn.Linear(4 * 4 * width, 1);
        RegisterComponents();
        Initialise(init);
    }

    /// <summary>The strided convs, image side first.</summary>
    public IReadOnlyList<SameConv2d> Downs => downs.ToArray();

    void Initialise(InitScheme init)
    {
        if (init != InitScheme.Tflib) return;
        if (nonlinearity != Nonlinearity.Gated) { DcganInit.Apply(this); return; }
        foreach (var down in downs) TflibInit.Conv(down.Conv, stride: 2, he: true);
        TflibInit.Linear(output, he: false);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        for (var i = 0; i < downs.Count; i++)
            x = Nonlinearities.Apply(nonlinearity, norms[i].call(downs[i].call(x)));
        return output.call(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
