using WganGp.Core.Data;
using WganGp.Core.Registry;
namespace WganGp.Core.Nets;

/// <summary>gan_language.py's 1-D convolutional ResNets over one-hot sequences [32, V], V the data's vocabulary; no
/// normaliser.</summary>
[Kind("char-resnet")]
public sealed class CharResNetEntry : ArchitectureEntry
{
    public override string Name => "char-resnet";
    public override long[] InputShape => [32, -1];
    public override DataKind Data => DataKind.Text;

    public override NetworkFactories Networks(NetworkSpec spec)
    {
        int length = (int)spec.ItemShape[0], vocabulary = (int)spec.ItemShape[1];
        return new(() => new LanguageGenerator(vocabulary, length, latent: spec.LatentDim, init: spec.Init),
                   () => new LanguageCritic(vocabulary, length, init: spec.Init));
    }
}
