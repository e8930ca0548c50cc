using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's WGANPaper_CrippledDCGANGenerator (Figure 2, row 2: the WGAN paper's "no BN and a constant number of
/// filters" generator): Linear z → 4·4·dim → ReLU → [dim, 4, 4], then 5×5 'SAME' transposed convs dim → dim, each
/// doubling the resolution, with ReLU, up to size/2, and a last one dim → image channels → tanh. No normaliser.
/// For 64×64: three dim → dim transposed convs and one to the image. <see cref="InitScheme.Tflib"/>: tflib's defaults
/// (the code sets no fixed σ here): Linear Glorot, transposed convs He.
/// </summary>
public sealed class ConstantWidthGenerator : nn.Module<Tensor, Tensor>
{
    readonly Linear input;
    readonly ModuleList<SameConvTranspose2d> ups = new();
    readonly long dim;

    public ConstantWidthGenerator(int latent = 128, int dim = 64, int size = 64, int channels = 3, InitScheme init = InitScheme.Tflib)
        : base("constant-width-generator")
    {
        if (size < 8 || (size & (size - 1)) != 0) throw new ArgumentException($"size must be a power of two ≥ 8, got {size}");
        this.dim = dim;
        input = nn.Linear(latent, 4 * 4 * dim);
        for (var resolution = 4; resolution < size; resolution *= 2)
            ups.Add(new SameConvTranspose2d(dim, resolution * 2 == size ? channels : dim, 5));
        RegisterComponents();
        TflibInit.Linear(input, he: false, init);
        foreach (var up in ups) TflibInit.Deconv(up.Deconv, he: true, init);
    }

    /// <summary>The transposed convs, input side first (the last one emits the image).</summary>
    public IReadOnlyList<SameConvTranspose2d> Ups => ups.ToArray();

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(input.call(z)).view(-1, dim, 4, 4);
        for (var i = 0; i < ups.Count; i++)
            x = i < ups.Count - 1 ? nn.functional.relu(ups[i].call(x)) : tanh(ups[i].call(x));
        return x.MoveToOuterDisposeScope();
    }
}
