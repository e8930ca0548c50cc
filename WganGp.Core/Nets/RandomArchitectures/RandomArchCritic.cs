using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// A random-architecture critic (paper §5.1, Table 1) on our 32×32 DCGAN backbone: 5×5 stride-2 'SAME' convs
/// channels → f → 2f → 4f (32 → 16 → 8 → 4), N after all but the first, σ after each, then the stage's extra 3×3 convs
/// (<see cref="Dcgan32Depth"/>; at 16×16, 8×8, 4×4), then Linear 4·4·4f → 1. σ is the sampled nonlinearity; N is the
/// caller's (<see cref="RandomArchitecture.CriticNorm"/>: layer norm for WGAN-GP where the paper says batch norm).
/// With depth 4, LeakyReLU and f = 128 this is gan_cifar.py's critic. tflib init: convs He, Linear Glorot.
/// </summary>
public sealed class RandomArchCritic : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<SameConv2d> downs = new();
    readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    readonly ModuleList<Conv3x3Stack> stacks = new();
    readonly Linear output;
    readonly Nonlinearity nonlinearity;

    public RandomArchCritic(Nonlinearity nonlinearity, int depth, int filters, Normaliser norm, int channels = 3,
        InitScheme init = InitScheme.Tflib) : base("random-arch-critic")
    {
        if (filters < 1) throw new ArgumentException($"filters must be positive, got {filters}");
        var extra = Dcgan32Depth.ExtraConvs(depth);   // smallest resolution first; the critic meets them largest first
        this.nonlinearity = nonlinearity;
        long width = channels;
        for (var i = 0; i < extra.Length; i++)
        {
            var next = i == 0 ? filters : width * 2;
            downs.Add(new SameConv2d(width, next, 5, stride: 2));
            norms.Add(i == 0 ? nn.Identity() : NormaliserLayers.For2d(norm, next));   // DCGAN: no normaliser on the input layer
            stacks.Add(new Conv3x3Stack(next, extra[extra.Length - 1 - i], norm, nonlinearity, init));
            width = next;
        }
        output = nn.Linear(4 * 4 * width, 1);
        RegisterComponents();
        foreach (var down in downs) TflibInit.Conv(down.Conv, stride: 2, scheme: init);
        TflibInit.Linear(output, he: false, init);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        for (var i = 0; i < downs.Count; i++)
            x = stacks[i].call(nonlinearity.Apply(norms[i].call(downs[i].call(x))));
        return output.call(x.flatten(1)).MoveToOuterDisposeScope();
    }
}
