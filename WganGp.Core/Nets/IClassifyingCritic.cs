using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>A critic with an auxiliary classifier head (AC-GAN): its plain forward gives the score alone, which is
/// what the gradient penalty differentiates.</summary>
public interface IClassifyingCritic
{
    int Classes { get; }

    /// <summary>The score [B, 1] and the class logits [B, Classes] from one pass.</summary>
    (Tensor Score, Tensor Logits) ForwardWithClasses(Tensor x);
}
