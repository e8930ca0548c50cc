using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's DCGANGenerator (Figure 2, row 1): Linear z → 4·4·(dim·size/8) → [dim·size/8, 4, 4] → N → ReLU, then
/// 5×5 'SAME' transposed convs halving the channels and doubling the resolution (N, ReLU after each) up to size/2, and a
/// last one to the image channels → tanh. For 64×64 and dim 64: 512 → 256 → 128 → 64 → 3.
/// The same network with <c>bn=False</c> (row 4: <c>norm</c> None), tanh (row 6) or gated units (row 5,
/// MultiplicativeDCGANGenerator: every hidden layer emits twice the channels, N on those, then the gate halves them; the
/// last transposed conv is not gated).
/// <see cref="InitScheme.Tflib"/> is the code's init: σ = 0.02 uniform for DCGANGenerator (rows 1, 4, 6), tflib's
/// defaults for MultiplicativeDCGANGenerator, which does not set the fixed σ (Linear Glorot, transposed convs He).
/// </summary>
public sealed class DcganGenerator : nn.Module<Tensor, Tensor>
{
    readonly Linear input;
    readonly nn.Module<Tensor, Tensor> inputNorm;
    readonly ModuleList<SameConvTranspose2d> ups = new();
    readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    readonly long start;
    readonly Nonlinearity nonlinearity;

    public DcganGenerator(int latent = 128, int dim = 64, int size = 64, int channels = 3, Normaliser norm = Normaliser.Batch,
        Nonlinearity nonlinearity = Nonlinearity.Relu, InitScheme init = InitScheme.Tflib)
        : base("dcgan-generator")
    {
        if (size < 8 || (size & (size - 1)) != 0) throw new ArgumentException($"size must be a power of two ≥ 8, got {size}");
        this.nonlinearity = nonlinearity;
        var widening = Nonlinearities.Widening(nonlinearity);
        start = dim * size / 8;
        input = nn.Linear(latent, 4 * 4 * start * widening);
        inputNorm = NormaliserLayers.For2d(norm, start * widening);
        var width = start;
        for (var resolution = 4; resolution < size; resolution *= 2)
        {
            var last = resolution * 2 == size;
            var output = last ? channels : width / 2;
            ups.Add(new SameConvTranspose2d(width, last ? output : output * widening, 5));
            if (!last) norms.Add(NormaliserLayers.For2d(norm, output * widening));
            width = output;
        }
        RegisterComponents();
        Initialise(init);
    }

    /// <summary>The transposed convs, input side first (the last one emits the image).</summary>
    public IReadOnlyList<SameConvTranspose2d> Ups => ups.ToArray();

    public Linear Input => input;

    void Initialise(InitScheme init)
    {
        if (init != InitScheme.Tflib) return;
        if (nonlinearity != Nonlinearity.Gated) { DcganInit.Apply(this); return; }
        TflibInit.Linear(input, he: false);
        foreach (var up in ups) TflibInit.Deconv(up.Deconv, he: true);
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = input.call(z).view(-1, start * Nonlinearities.Widening(nonlinearity), 4, 4);
        x = Nonlinearities.Apply(nonlinearity, inputNorm.call(x));
        for (var i = 0; i < ups.Count; i++)
            x = i < norms.Count ? Nonlinearities.Apply(nonlinearity, norms[i].call(ups[i].call(x))) : tanh(ups[i].call(x));
        return x.MoveToOuterDisposeScope();
    }
}
