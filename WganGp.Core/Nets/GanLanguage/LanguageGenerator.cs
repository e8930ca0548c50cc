using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_language.py's generator (§5.5): Linear z → length·dim → [dim, length] → 5 <see cref="ResBlock1d"/> → 1-D conv
/// (kernel 1) dim → vocabulary → softmax over the vocabulary at each position. Output [B, length, vocabulary], the layout
/// of the one-hot data batches; the critic takes the softmax directly (no sampling). tflib init: Linear Glorot, convs He.
/// </summary>
public sealed class LanguageGenerator : nn.Module<Tensor, Tensor>
{
    readonly Linear input;
    readonly ModuleList<ResBlock1d> blocks = new();
    readonly Conv1d output;
    readonly long dim, length;

    public LanguageGenerator(int vocabulary, int length = 32, int dim = 512, int latent = 128, int blocks = 5,
        InitScheme init = InitScheme.Tflib) : base("language-generator")
    {
        if (vocabulary < 1) throw new ArgumentException($"vocabulary must be at least 1, got {vocabulary}");
        this.dim = dim;
        this.length = length;
        input = nn.Linear(latent, (long)length * dim);
        for (var i = 0; i < blocks; i++) this.blocks.Add(new ResBlock1d(dim, init: init));
        output = nn.Conv1d(dim, vocabulary, 1);
        RegisterComponents();
        TflibInit.Linear(input, he: false, init);
        TflibInit.Conv(output, scheme: init);
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = input.call(z).view(-1, dim, length);
        foreach (var block in blocks) x = block.call(x);
        return softmax(output.Routed(x).transpose(1, 2), -1).MoveToOuterDisposeScope();
    }
}
