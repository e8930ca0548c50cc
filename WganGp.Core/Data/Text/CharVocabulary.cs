using System.Text;

namespace WganGp.Core.Data.Text;

/// <summary>
/// The character vocabulary of language_helpers.load_dataset: id 0 is 'unk', then the most frequent characters, most
/// frequent first. A character is a <see cref="TextUnit"/> value: a byte (0–255) or a Unicode scalar value.
/// Characters outside the vocabulary encode as 'unk'.
/// </summary>
public sealed class CharVocabulary
{
    public const int UnknownId = 0;

    /// <summary>What 'unk' decodes to by default: the code keeps the string 'unk' in its inverse map and joins it into samples.</summary>
    public const string UnknownToken = "unk";

    /// <summary>The unit listed for id 0, which stands for no character.</summary>
    public const int NoUnit = -1;

    /// <summary>The padding character: gan_language.py pads lines with '`'.</summary>
    public const int Padding = '`';

    readonly int[] units;
    readonly Dictionary<int, int> ids = new();

    /// <summary>A vocabulary of 'unk' followed by the given distinct characters (ids 1, 2, …).</summary>
    public CharVocabulary(TextUnit unit, IEnumerable<int> characters)
    {
        Unit = unit;
        units = [NoUnit, .. characters];
        for (int id = 1; id < units.Length; id++)
        {
            if (!IsUnit(units[id], unit))
                throw new ArgumentException($"{units[id]} is not a {unit} character (expected {(unit == TextUnit.Bytes ? "0..255" : "a Unicode scalar value")})");
            if (!ids.TryAdd(units[id], id)) throw new ArgumentException($"character {units[id]} is listed twice (ids {ids[units[id]]} and {id})");
        }
    }

    public TextUnit Unit { get; }

    /// <summary>V, the number of ids including 'unk': the width of the one-hot encoding.</summary>
    public int Count => units.Length;

    /// <summary>The character of each id; <see cref="NoUnit"/> for id 0 ('unk').</summary>
    public IReadOnlyList<int> Units => units;

    /// <summary>The id of a character, 0 ('unk') when it is not in the vocabulary.</summary>
    public int IdOf(int unit) => ids.GetValueOrDefault(unit, UnknownId);

    public int UnitOf(int id) => units[CheckId(id)];

    /// <summary>A readable form of an id: "unk", the character, or \xNN for a non-ASCII byte.</summary>
    public string Token(int id) =>
        CheckId(id) == UnknownId ? UnknownToken
        : Unit == TextUnit.Bytes && units[id] >= 0x80 ? $"\\x{units[id]:x2}"
        : char.ConvertFromUtf32(units[id]);

    /// <summary>The ids of a text's characters (its UTF-8 bytes or its runes); no truncation or padding.</summary>
    public int[] Encode(string text) => UnitsOf(text, Unit).Select(IdOf).ToArray();

    /// <summary>
    /// The text of a sequence of ids, 'unk' written as <paramref name="unknown"/>. Under <see cref="TextUnit.Bytes"/>
    /// the bytes are read as UTF-8, a broken sequence (e.g. a multi-byte character cut by truncation) as U+FFFD.
    /// </summary>
    public string Decode(IEnumerable<int> sequence, string unknown = UnknownToken)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        void FlushBytes()
        {
            text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
        foreach (var id in sequence)
        {
            int unit = units[CheckId(id)];
            if (id == UnknownId)
            {
                FlushBytes();
                text.Append(unknown);
            }
            else if (Unit == TextUnit.Bytes) bytes.Add((byte)unit);
            else text.Append(char.ConvertFromUtf32(unit));
        }
        FlushBytes();
        return text.ToString();
    }

    /// <summary>A text's characters as units: its UTF-8 bytes, or its Unicode scalar values.</summary>
    public static int[] UnitsOf(string text, TextUnit unit) =>
        unit == TextUnit.Bytes
            ? Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray()
            : text.EnumerateRunes().Select(r => r.Value).ToArray();

    /// <summary>
    /// 'unk', then the most frequent characters of the lines, up to <paramref name="maxVocabulary"/> entries in all.
    /// Equal counts are ordered by first occurrence in the lines as given, as Python 3's Counter.most_common does; the
    /// paper's Python 2 Counter was a plain dict, so its order among ties was arbitrary (hash order).
    /// </summary>
    public static CharVocabulary Build(IEnumerable<int[]> lines, int maxVocabulary, TextUnit unit)
    {
        if (maxVocabulary < 2)
            throw new ArgumentOutOfRangeException(nameof(maxVocabulary), maxVocabulary, "the vocabulary needs at least 2 entries ('unk' and one character)");
        // Counts indexed by the unit itself: at most 0x110000 entries, far cheaper than hashing every character.
        var counts = new long[unit == TextUnit.Bytes ? 0x100 : 0x110000];
        var firstSeen = new List<int>();
        foreach (var line in lines)
            foreach (var u in line)
            {
                if (!IsUnit(u, unit)) throw new ArgumentException($"{u} is not a {unit} character");
                if (counts[u]++ == 0) firstSeen.Add(u);
            }
        // OrderByDescending is a stable sort, so ties keep their first-occurrence order.
        return new CharVocabulary(unit, firstSeen.OrderByDescending(u => counts[u]).Take(maxVocabulary - 1));
    }

    static bool IsUnit(int u, TextUnit unit) => unit == TextUnit.Bytes ? u is >= 0 and <= 0xff : Rune.IsValid(u);

    int CheckId(int id) =>
        id >= 0 && id < units.Length ? id : throw new ArgumentOutOfRangeException(nameof(id), id, $"not an id of this vocabulary (0..{units.Length - 1})");
}
