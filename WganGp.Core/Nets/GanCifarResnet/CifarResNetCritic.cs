using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_cifar_resnet.py's Discriminator (Table 3), for 32×32 images: <see cref="CifarFirstBlock"/> (channels → dim, 16²) →
/// downsampling <see cref="CifarResBlock"/> (8²) → 2 same-shape blocks → ReLU → global mean-pool → Linear dim → 1, plus
/// Linear dim → classes when it has the auxiliary classifier (AC-WGAN-GP). No normalisation (NORMALIZATION_D = False), so
/// it is valid under the gradient penalty. tflib init: blocks as theirs, Linears Glorot.
/// </summary>
public sealed class CifarResNetCritic : nn.Module<Tensor, Tensor>, IClassifyingCritic
{
    readonly CifarFirstBlock first;
    readonly ModuleList<CifarResBlock> blocks = new();
    readonly Linear output;
    readonly Linear? classifier;

    /// <param name="auxiliaryClassifier">Add the AC-GAN head (Linear dim → classes) read by <see cref="ForwardWithClasses"/>.</param>
    public CifarResNetCritic(bool auxiliaryClassifier = false, int dim = 128, int channels = 3, int classes = 10,
        InitScheme init = InitScheme.Tflib) : base("cifar-resnet-critic")
    {
        if (auxiliaryClassifier && classes < 1) throw new ArgumentException($"the classifier head needs classes ≥ 1, got {classes}");
        first = new CifarFirstBlock(channels, dim, init);
        blocks.Add(new CifarResBlock(dim, dim, Resample.Down, init: init));
        blocks.Add(new CifarResBlock(dim, dim, init: init));
        blocks.Add(new CifarResBlock(dim, dim, init: init));
        output = nn.Linear(dim, 1);
        classifier = auxiliaryClassifier ? nn.Linear(dim, classes) : null;
        RegisterComponents();
        TflibInit.Linear(output, he: false, init);
        if (classifier is not null) TflibInit.Linear(classifier, he: false, init);
    }

    public bool HasClassifier => classifier is not null;

    /// <summary>Classes of the auxiliary head; 0 without one.</summary>
    public int Classes => (int)(classifier?.out_features ?? 0);

    /// <summary>The critic's score, [B, 1].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return output.call(Features(x)).MoveToOuterDisposeScope();
    }

    /// <summary>The score [B, 1] and the auxiliary classifier's logits [B, classes] from one pass.</summary>
    public (Tensor Score, Tensor Logits) ForwardWithClasses(Tensor x)
    {
        if (classifier is null)
            throw new InvalidOperationException("this critic has no auxiliary classifier: build it with auxiliaryClassifier: true");
        using var scope = NewDisposeScope();
        var features = Features(x);
        var score = output.call(features);
        var logits = classifier.call(features);
        return (score.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    Tensor Features(Tensor x)
    {
        var h = first.call(x);
        foreach (var block in blocks) h = block.call(h, null);
        return nn.functional.relu(h).mean([2L, 3L]);
    }
}
