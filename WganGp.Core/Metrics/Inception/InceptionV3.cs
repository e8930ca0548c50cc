using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// InceptionV3 as torchvision's Inception3 (spec §3), in either <see cref="InceptionFlavour"/>; its field names are
/// the PyTorch state_dict keys (Conv2d_1a_3x3, Mixed_5b, …, fc), so PyTorch weight files load unchanged. The input is
/// [N, 3, H, W] in [−1, 1] (H, W ≥ 75; 299 is the trained size): <see cref="InceptionInput.Prepare"/> makes it. That is
/// also what torchvision's transform_input does to ImageNet-normalised input, so neither flavour transforms again.
/// Inference only: dropout (a no-op in eval) is left out and AuxLogits, when present, is never run.
/// </summary>
public sealed class InceptionV3 : nn.Module<Tensor, InceptionTaps>
{
    /// <summary>The input size the network was trained at.</summary>
    public const int InputSize = 299;

    /// <summary>pool3's width.</summary>
    public const int PoolFeatures = 2048;

    readonly BasicConv2d Conv2d_1a_3x3;
    readonly BasicConv2d Conv2d_2a_3x3;
    readonly BasicConv2d Conv2d_2b_3x3;
    readonly MaxPool2d maxpool1;
    readonly BasicConv2d Conv2d_3b_1x1;
    readonly BasicConv2d Conv2d_4a_3x3;
    readonly MaxPool2d maxpool2;
    readonly InceptionA Mixed_5b;
    readonly InceptionA Mixed_5c;
    readonly InceptionA Mixed_5d;
    readonly InceptionB Mixed_6a;
    readonly InceptionC Mixed_6b;
    readonly InceptionC Mixed_6c;
    readonly InceptionC Mixed_6d;
    readonly InceptionC Mixed_6e;
    readonly InceptionAux? AuxLogits;
    readonly InceptionD Mixed_7a;
    readonly InceptionE Mixed_7b;
    readonly InceptionE Mixed_7c;
    readonly Linear fc;
    readonly (string Name, nn.Module<Tensor, Tensor> Stage)[] stages;

    /// <param name="flavour">Which pools the blocks use.</param>
    /// <param name="classes">fc's outputs; by default 1008 for <see cref="InceptionFlavour.Fid"/> (the TF graph's),
    /// 1000 for <see cref="InceptionFlavour.Torchvision"/>.</param>
    /// <param name="auxLogits">Include torchvision's AuxLogits (its weight files have them); not in the FID flavour.</param>
    public InceptionV3(InceptionFlavour flavour, int? classes = null, bool auxLogits = false) : base(nameof(InceptionV3))
    {
        if (auxLogits && flavour == InceptionFlavour.Fid)
            throw new ArgumentException("the FID InceptionV3 has no AuxLogits", nameof(auxLogits));
        var n = classes ?? DefaultClasses(flavour);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(classes), n, "at least one class");
        Flavour = flavour;
        Classes = n;
        var fid = flavour == InceptionFlavour.Fid;
        var average = fid ? InceptionPool.AverageExcludingPadding : InceptionPool.Average;

        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1);
        maxpool1 = nn.MaxPool2d(3, stride: 2);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
        maxpool2 = nn.MaxPool2d(3, stride: 2);
        Mixed_5b = new InceptionA(192, 32, average);
        Mixed_5c = new InceptionA(256, 64, average);
        Mixed_5d = new InceptionA(288, 64, average);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new InceptionC(768, 128, average);
        Mixed_6c = new InceptionC(768, 160, average);
        Mixed_6d = new InceptionC(768, 160, average);
        Mixed_6e = new InceptionC(768, 192, average);
        AuxLogits = auxLogits ? new InceptionAux(768, n) : null;
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new InceptionE(1280, average);
        Mixed_7c = new InceptionE(2048, fid ? InceptionPool.Max : InceptionPool.Average);
        fc = nn.Linear(PoolFeatures, n);
        stages =
        [
            (nameof(Conv2d_1a_3x3), Conv2d_1a_3x3), (nameof(Conv2d_2a_3x3), Conv2d_2a_3x3), (nameof(Conv2d_2b_3x3), Conv2d_2b_3x3),
            (nameof(maxpool1), maxpool1), (nameof(Conv2d_3b_1x1), Conv2d_3b_1x1), (nameof(Conv2d_4a_3x3), Conv2d_4a_3x3),
            (nameof(maxpool2), maxpool2), (nameof(Mixed_5b), Mixed_5b), (nameof(Mixed_5c), Mixed_5c), (nameof(Mixed_5d), Mixed_5d),
            (nameof(Mixed_6a), Mixed_6a), (nameof(Mixed_6b), Mixed_6b), (nameof(Mixed_6c), Mixed_6c), (nameof(Mixed_6d), Mixed_6d),
            (nameof(Mixed_6e), Mixed_6e), (nameof(Mixed_7a), Mixed_7a), (nameof(Mixed_7b), Mixed_7b), (nameof(Mixed_7c), Mixed_7c),
        ];
        RegisterComponents();
    }

    public InceptionFlavour Flavour { get; }

    public int Classes { get; }

    public bool HasAuxLogits => AuxLogits is not null;

    /// <summary>The weight file this network was loaded from, or null for a freshly initialised one.</summary>
    public string? WeightsPath { get; private set; }

    /// <summary>SHA-256 (lower-case hex) of <see cref="WeightsPath"/>, or null.</summary>
    public string? WeightsHash { get; private set; }

    /// <summary>The stages in order, by their state_dict names (the stem's convolutions and max pools, Mixed_5b …
    /// Mixed_7c); the network is these, then the global average (pool3) and fc. Each can be run alone.</summary>
    public IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Stage)> Stages => stages;

    /// <summary>fc: its weight [Classes, 2048] gives the unbiased logits.</summary>
    public Linear Fc => fc;

    /// <summary>The default class count of a flavour: the TF graph's 1008, torchvision's 1000.</summary>
    public static int DefaultClasses(InceptionFlavour flavour) => flavour == InceptionFlavour.Fid ? 1008 : 1000;

    public override InceptionTaps forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != 3 || x.shape[2] < 75 || x.shape[3] < 75)
            throw new ArgumentException(
                $"InceptionV3 takes [N, 3, H, W] with H, W ≥ 75 (299 for its weights), got [{string.Join(", ", x.shape)}]", nameof(x));
        if (x.dtype != fc.weight!.dtype)
            throw new ArgumentException($"InceptionV3 holds {fc.weight.dtype} weights and was given {x.dtype} input", nameof(x));
        using var scope = NewDisposeScope();
        Tensor? pool64 = null, pool192 = null, pool768 = null;
        var h = x;
        foreach (var (name, stage) in stages)
        {
            var next = stage.call(h);
            if (!ReferenceEquals(h, x)) h.Dispose(); // keep one activation alive at a time
            h = next;
            switch (name)
            {
                case nameof(maxpool1): pool64 = h.mean([2L, 3L]); break;
                case nameof(maxpool2): pool192 = h.mean([2L, 3L]); break;
                case nameof(Mixed_6e): pool768 = h.mean([2L, 3L]); break;
            }
        }
        var pool3 = h.mean([2L, 3L]);
        var unbiased = pool3.matmul(fc.weight!.t());
        var logits = fc.call(pool3);
        return new InceptionTaps(pool64!, pool192!, pool768!, pool3, unbiased, logits).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads a PyTorch state_dict file (zip format) with this flavour's layout, e.g. pytorch-fid's
    /// <c>pt_inception-2015-12-05-6726825d.pth</c> as <see cref="InceptionFlavour.Fid"/> or torchvision's
    /// <c>inception_v3_google-*.pth</c> as <see cref="InceptionFlavour.Torchvision"/> (its AuxLogits are then loaded
    /// too). Every key must be present (num_batches_tracked may be absent, as in torch-fidelity's converted file) with
    /// its shape; the network comes back in eval mode, frozen, with <see cref="WeightsHash"/> set.
    /// </summary>
    public static InceptionV3 Load(string path, InceptionFlavour flavour, int? classes = null)
    {
        var tensors = StateDictFile.Read(path);
        try
        {
            // AuxLogits is part of torchvision's files; the FID layout has none, so there they are reported unexpected.
            var aux = flavour == InceptionFlavour.Torchvision && tensors.Keys.Any(k => k.StartsWith("AuxLogits.", StringComparison.Ordinal));
            var net = new InceptionV3(flavour, classes, aux);
            try
            {
                StateDictFile.LoadInto(net, tensors, path, k => k.EndsWith(".num_batches_tracked", StringComparison.Ordinal),
                    $"InceptionV3 ({flavour}, {net.Classes} classes{(aux ? ", AuxLogits" : "")})");
                net.eval();
                foreach (var p in net.parameters()) p.requires_grad = false;
                net.WeightsPath = Path.GetFullPath(path);
                net.WeightsHash = StateDictFile.Sha256(path);
                return net;
            }
            catch
            {
                net.Dispose();
                throw;
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
