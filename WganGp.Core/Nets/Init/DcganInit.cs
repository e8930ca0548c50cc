using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>gan_64x64.py's DCGAN pair: every Linear and conv weight uniform with σ = 0.02 (bound 0.02·√3, not the
/// normal DCGAN paper init), biases 0; normalisers keep scale 1 and offset 0.</summary>
public static class DcganInit
{
    public static void Apply(nn.Module module)
    {
        foreach (var (_, child) in module.named_modules())
        {
            (Tensor? weight, Tensor? bias) = child switch
            {
                Linear l => (l.weight, l.bias),
                Conv2d c => (c.weight, c.bias),
                ConvTranspose2d d => (d.weight, d.bias),
                _ => (null, null),
            };
            if (weight is not null) TflibInit.Uniform(weight, bias, sigma: 0.02);
        }
    }
}
