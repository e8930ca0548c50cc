using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_language.py's ResBlock on [B, dim, length]: x + 0.3·conv2(ReLU(conv1(ReLU(x)))), both 1-D convs dim → dim with
/// 'SAME' padding (symmetric, (kernel − 1)/2 each side at stride 1) and biases, tflib He init. The 0.3 on the residual
/// branch is the code's constant.
/// </summary>
public sealed class ResBlock1d : nn.Module<Tensor, Tensor>
{
    readonly Conv1d conv1, conv2;

    public ResBlock1d(long dim, int kernel = 5, InitScheme init = InitScheme.Tflib) : base("resblock-1d")
    {
        if (kernel % 2 == 0) throw new ArgumentException($"'SAME' 1-D convs here need an odd kernel, got {kernel}");
        conv1 = nn.Conv1d(dim, dim, kernel, padding: kernel / 2);
        conv2 = nn.Conv1d(dim, dim, kernel, padding: kernel / 2);
        RegisterComponents();
        TflibInit.Conv(conv1, scheme: init);
        TflibInit.Conv(conv2, scheme: init);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branch = conv2.Routed(nn.functional.relu(conv1.Routed(nn.functional.relu(x))));
        return (x + 0.3 * branch).MoveToOuterDisposeScope();
    }
}
