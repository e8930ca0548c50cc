namespace WganGp.Core.Numerics;

/// <summary>One 2-D convolution as a network calls it: enough to rebuild it in isolation for <see cref="NumericsCanary"/>.
/// Channels are the module's own (for a transposed conv, <see cref="In"/> is what it reads).</summary>
public sealed record ConvShape(bool Transposed, long In, long Out, long Kernel, long Stride, long Padding, long Height, long Width)
{
    public override string ToString() =>
        $"{(Transposed ? "ConvTranspose2d" : "Conv2d")}({In} → {Out}, {Kernel}×{Kernel}, stride {Stride}, padding {Padding}) at {Height}×{Width}";
}
