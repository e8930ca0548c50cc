namespace WganGp.Core.Data;

/// <summary>How 8-bit pixels become network inputs, as the paper's scripts do per data set.</summary>
public enum PixelScaling
{
    /// <summary>x / 255 ∈ [0, 1]: gan_mnist.py (its generator ends in a sigmoid).</summary>
    ZeroOne,

    /// <summary>2·(x / 255 − 0.5) ∈ [−1, 1]: the image scripts (their generators end in tanh).</summary>
    MinusOneOne,
}
