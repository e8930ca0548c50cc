using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// gan_64x64.py's FCGenerator (Figure 2, row 3): four ReLU Linear layers z → width → width → width → width (tflib "he"
/// init), a Linear width → channels·size·size (tflib's Glorot default), tanh, viewed as [B, channels, size, size] (the
/// code's flat NCHW image). The code's width is 512 = 8·64; <see cref="Figure2"/> passes 8·dim so dim scales it.
/// </summary>
public sealed class MlpGenerator : nn.Module<Tensor, Tensor>
{
    readonly Mlp mlp;
    readonly int size, channels;

    public MlpGenerator(int latent = 128, int width = 512, int size = 64, int channels = 3, InitScheme init = InitScheme.Tflib)
        : base("mlp-generator")
    {
        if (size < 1 || channels < 1) throw new ArgumentException($"size and channels must be positive, got {size} and {channels}");
        this.size = size;
        this.channels = channels;
        mlp = new Mlp(latent, width, channels * size * size, layers: 5, init: init);
        RegisterComponents();
    }

    public Mlp Mlp => mlp;

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        return tanh(mlp.call(z)).view(-1, channels, size, size).MoveToOuterDisposeScope();
    }
}
