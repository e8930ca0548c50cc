using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_cifar_resnet.py's Generator (Table 3): Linear z → dim·4·4 → [dim, 4, 4] → 3 upsampling <see cref="CifarResBlock"/>s
/// (dim → dim, 4² → 32²) → BN → ReLU → 3×3 conv dim → channels → tanh. Block norms are batch norm, or conditional batch
/// norm (per-class scale and offset) when <c>conditional</c>; the output BN is unconditional in both.
/// tflib init: Linear Glorot, output conv Glorot (he_init=False), blocks as <see cref="CifarResBlock"/>.
/// </summary>
public sealed class CifarResNetGenerator : nn.Module<Tensor, Tensor>, IConditionalGenerator
{
    readonly Linear input;
    readonly ModuleList<CifarResBlock> blocks = new();
    readonly nn.Module<Tensor, Tensor> outputNorm;
    readonly Conv2d output;
    readonly long dim;
    readonly int classes;

    /// <param name="classes">Number of classes of the conditional norms (CIFAR-10: 10); unused when unconditional.</param>
    /// <param name="upsampleBeforeSecondConv">App. F's order instead of the code's (see <see cref="CifarResBlock"/>).</param>
    public CifarResNetGenerator(bool conditional = false, int latent = 128, int dim = 128, int channels = 3, int classes = 10,
        bool upsampleBeforeSecondConv = false, InitScheme init = InitScheme.Tflib) : base("cifar-resnet-generator")
    {
        if (conditional && classes < 1) throw new ArgumentException($"a conditional generator needs classes ≥ 1, got {classes}");
        Conditional = conditional;
        this.dim = dim;
        this.classes = classes;
        input = nn.Linear(latent, 4 * 4 * dim);
        for (var i = 0; i < 3; i++)
            blocks.Add(new CifarResBlock(dim, dim, Resample.Up, Normaliser.Batch, conditional ? classes : 0, upsampleBeforeSecondConv, init));
        outputNorm = NormaliserLayers.For2d(Normaliser.Batch, dim);
        output = nn.Conv2d(dim, channels, 3, padding: 1);
        RegisterComponents();
        TflibInit.Linear(input, he: false, init);
        TflibInit.Conv(output, he: false, scheme: init);
    }

    public bool Conditional { get; }

    public int Classes => Conditional ? classes : 0;

    /// <summary>Unconditional sampling; a conditional generator refuses (it needs <see cref="Forward"/> with labels).</summary>
    public override Tensor forward(Tensor z)
    {
        if (Conditional)
            throw new InvalidOperationException(
                "this generator is conditional (per-class batch norm): call Forward(z, labels) with one class per sample");
        return Run(z, null);
    }

    /// <summary>Conditional sampling: <paramref name="labels"/> is [B] int64 in [0, classes).</summary>
    public Tensor Forward(Tensor z, Tensor labels)
    {
        if (!Conditional)
            throw new InvalidOperationException("this generator is unconditional: it takes no labels, call forward(z)");
        ArgumentNullException.ThrowIfNull(labels, nameof(labels));
        if (labels.numel() > 0)
        {
            using var low = labels.min();
            using var high = labels.max();
            if (low.item<long>() < 0 || high.item<long>() >= classes)
                throw new ArgumentException($"labels must lie in [0, {classes}), got {low.item<long>()} … {high.item<long>()}");
        }
        return Run(z, labels);
    }

    Tensor Run(Tensor z, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var x = input.call(z).view(-1, dim, 4, 4);
        foreach (var block in blocks) x = block.call(x, labels);
        x = nn.functional.relu(outputNorm.call(x));
        return tanh(output.Routed(x)).MoveToOuterDisposeScope();
    }
}
