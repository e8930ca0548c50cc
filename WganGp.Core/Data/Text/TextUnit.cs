namespace WganGp.Core.Data.Text;

/// <summary>
/// What one "character" of the character language model is. The paper's code is Python 2, where reading a file gives
/// byte strings, so its characters are bytes: a non-ASCII letter such as 'é' is two characters (two UTF-8 bytes), and
/// truncation to 32 can cut one in half. <see cref="Bytes"/> reproduces that and is the default; <see cref="Utf8"/> is
/// the Unicode reading one would write today.
/// </summary>
public enum TextUnit
{
    /// <summary>Each byte of the file is a character (values 0–255): the paper's code (Python 2 byte strings). The default.</summary>
    Bytes,

    /// <summary>Each Unicode scalar value (rune) of the UTF-8 text is a character; invalid UTF-8 is an error.</summary>
    Utf8,
}
