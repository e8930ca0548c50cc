using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>A generator that also takes class labels (e.g. conditional batch norm in gan_cifar_resnet.py); one built
/// unconditional reports 0 classes.</summary>
public interface IConditionalGenerator
{
    int Classes { get; }

    /// <summary>Images for latents z [B, latent] and labels [B] (int64 in 0..Classes−1).</summary>
    Tensor Forward(Tensor z, Tensor labels);
}
