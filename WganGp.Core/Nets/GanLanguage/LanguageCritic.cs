using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_language.py's critic (§5.5): [B, length, vocabulary] (one-hot data or the generator's softmax) → [B, vocabulary,
/// length] → 1-D conv (kernel 1) vocabulary → dim → 5 <see cref="ResBlock1d"/> → flatten dim·length (channel-major, as the
/// code's reshape of [B, dim, length]) → Linear → 1. No normalisation (the code has none). tflib init: convs He, Linear
/// Glorot.
/// </summary>
public sealed class LanguageCritic : nn.Module<Tensor, Tensor>
{
    readonly Conv1d input;
    readonly ModuleList<ResBlock1d> blocks = new();
    readonly Linear output;

    public LanguageCritic(int vocabulary, int length = 32, int dim = 512, int blocks = 5, InitScheme init = InitScheme.Tflib)
        : base("language-critic")
    {
        if (vocabulary < 1) throw new ArgumentException($"vocabulary must be at least 1, got {vocabulary}");
        input = nn.Conv1d(vocabulary, dim, 1);
        for (var i = 0; i < blocks; i++) this.blocks.Add(new ResBlock1d(dim, init: init));
        output = nn.Linear((long)length * dim, 1);
        RegisterComponents();
        TflibInit.Conv(input, scheme: init);
        TflibInit.Linear(output, he: false, init);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = input.Routed(x.transpose(1, 2));
        foreach (var block in blocks) h = block.call(h);
        return output.call(h.flatten(1)).MoveToOuterDisposeScope();
    }
}
