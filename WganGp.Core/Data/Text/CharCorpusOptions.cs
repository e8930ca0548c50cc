namespace WganGp.Core.Data.Text;

/// <summary>
/// How the character corpus is read, with the paper's values as defaults (gan_language.py: SEQ_LEN = 32,
/// MAX_N_EXAMPLES = 10,000,000, load_dataset's max_vocab_size = 2048).
/// </summary>
/// <param name="SequenceLength">Characters per line: longer lines are truncated, shorter ones right-padded with '`'.</param>
/// <param name="MaxLines">Lines read in all, across the files in order; reading stops at this many.</param>
/// <param name="MaxVocabulary">Vocabulary entries including 'unk' (id 0); rarer characters map to 'unk'.</param>
/// <param name="Unit">What a character is: <see cref="TextUnit.Bytes"/> (the paper's code, the default) or <see cref="TextUnit.Utf8"/>.</param>
/// <param name="ShuffleSeed">Seeds the one shuffle of the lines after loading (the code's unseeded np.random.shuffle).</param>
public sealed record CharCorpusOptions(
    int SequenceLength = 32,
    int MaxLines = 10_000_000,
    int MaxVocabulary = 2048,
    TextUnit Unit = TextUnit.Bytes,
    long ShuffleSeed = 0)
{
    /// <summary>The paper's code: characters are bytes (Python 2 byte strings). The default.</summary>
    public static CharCorpusOptions Bytes { get; } = new();

    /// <summary>Characters are Unicode scalar values of UTF-8 text; invalid UTF-8 is an error.</summary>
    public static CharCorpusOptions Utf8 { get; } = new(Unit: TextUnit.Utf8);

    public void Validate()
    {
        if (SequenceLength < 1)
            throw new ArgumentOutOfRangeException(nameof(SequenceLength), SequenceLength, "SequenceLength must be at least 1");
        if (MaxLines < 1) throw new ArgumentOutOfRangeException(nameof(MaxLines), MaxLines, "MaxLines must be at least 1");
        if (MaxVocabulary < 2)
            throw new ArgumentOutOfRangeException(nameof(MaxVocabulary), MaxVocabulary, "MaxVocabulary must be at least 2 ('unk' and one character)");
        if (!Enum.IsDefined(Unit)) throw new ArgumentOutOfRangeException(nameof(Unit), Unit, "Unit must be Bytes or Utf8");
    }
}
