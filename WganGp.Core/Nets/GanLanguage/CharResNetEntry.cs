namespace WganGp.Core.Nets;

/// <summary>gan_language.py's 1-D convolutional ResNets over one-hot sequences [32, V], V the data's vocabulary; no
/// normaliser.</summary>
public sealed record CharResNetEntry : ArchitectureEntry
{
    public override long[] InputShape => [32, -1];
    public override DataKind Data => DataKind.Text;

    public override NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape)
    {
        int length = (int)itemShape[0], vocabulary = (int)itemShape[1];
        return new(() => new LanguageGenerator(vocabulary, length, init: init), () => new LanguageCritic(vocabulary, length, init: init));
    }
}
