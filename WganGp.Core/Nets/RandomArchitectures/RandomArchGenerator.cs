using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// A random-architecture generator (paper §5.1, Table 1) on our 32×32 DCGAN backbone: Linear z → 4·4·4f → N (per feature,
/// as gan_cifar.py) → σ → [4f, 4, 4], then at 4×4, 8×8 and 16×16 the stage's extra 3×3 convs (<see cref="Dcgan32Depth"/>)
/// followed by a 5×5 'SAME' transposed conv (4f → 2f → f → channels), N and σ after each but the last, which ends in tanh.
/// σ is the sampled nonlinearity, N batch norm or none. With depth 4, ReLU, batch norm and f = 128 this is gan_cifar.py's
/// generator. tflib init: Linear Glorot, convs He.
/// </summary>
public sealed class RandomArchGenerator : nn.Module<Tensor, Tensor>
{
    readonly Linear input;
    readonly nn.Module<Tensor, Tensor> inputNorm;
    readonly ModuleList<Conv3x3Stack> stacks = new();
    readonly ModuleList<SameConvTranspose2d> ups = new();
    readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    readonly Nonlinearity nonlinearity;
    readonly long start;

    public RandomArchGenerator(Nonlinearity nonlinearity, int depth, int filters, Normaliser norm, int latent = 128,
        int channels = 3, InitScheme init = InitScheme.Tflib) : base("random-arch-generator")
    {
        if (filters < 1) throw new ArgumentException($"filters must be positive, got {filters}");
        var extra = Dcgan32Depth.ExtraConvs(depth);
        this.nonlinearity = nonlinearity;
        start = 4L * filters;
        input = nn.Linear(latent, 4 * 4 * start);
        inputNorm = NormaliserLayers.ForFeatures(norm, 4 * 4 * start);
        var width = start;
        for (var i = 0; i < extra.Length; i++)
        {
            var last = i == extra.Length - 1;
            var output = last ? channels : width / 2;
            stacks.Add(new Conv3x3Stack(width, extra[i], norm, nonlinearity, init));
            ups.Add(new SameConvTranspose2d(width, output, 5));
            if (!last) norms.Add(NormaliserLayers.For2d(norm, output));
            width = output;
        }
        RegisterComponents();
        TflibInit.Linear(input, he: false, init);
        foreach (var up in ups) TflibInit.Deconv(up.Deconv, scheme: init);
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = nonlinearity.Apply(inputNorm.call(input.call(z))).view(-1, start, 4, 4);
        for (var i = 0; i < ups.Count; i++)
        {
            x = ups[i].call(stacks[i].call(x));
            x = i < norms.Count ? nonlinearity.Apply(norms[i].call(x)) : tanh(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
