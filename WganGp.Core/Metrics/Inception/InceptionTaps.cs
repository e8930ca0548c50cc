using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// The outputs of one InceptionV3 pass, each [N, ·]: pytorch-fid's optional feature layers (64 after maxpool1,
/// 192 after maxpool2, 768 after Mixed_6e, spatially averaged; not comparable with 2048-d FID), pool3 (2048, the
/// FID/KID features), the logits without the fc bias (the TF graph's softmax/logits/MatMul, used for IS) and with it.
/// </summary>
public sealed record InceptionTaps(Tensor Pool64, Tensor Pool192, Tensor Pool768, Tensor Pool3, Tensor LogitsUnbiased, Tensor Logits)
    : IDisposable
{
    /// <summary>The taps with their names (pool64, pool192, pool768, pool3, logits_unbiased, logits).</summary>
    public IReadOnlyList<(string Name, Tensor Value)> Named =>
    [
        ("pool64", Pool64), ("pool192", Pool192), ("pool768", Pool768), ("pool3", Pool3),
        ("logits_unbiased", LogitsUnbiased), ("logits", Logits),
    ];

    public InceptionTaps MoveToOuterDisposeScope()
    {
        foreach (var (_, t) in Named) t.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        foreach (var (_, t) in Named) t.Dispose();
    }
}
