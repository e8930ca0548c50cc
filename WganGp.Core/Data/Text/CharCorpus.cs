using System.Buffers;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Data.Text;

/// <summary>
/// The character language model's data, as language_helpers.load_dataset reads it: the Google Billion Word training
/// files news.en-00001-of-00100 … news.en-00099-of-00100 in numeric order, at most <see cref="CharCorpusOptions.MaxLines"/>
/// lines in all; each line without its newline, truncated to <see cref="CharCorpusOptions.SequenceLength"/> characters and
/// right-padded with '`'; the vocabulary counted over the padded lines; the lines shuffled once with a seed.
/// Characters are bytes by default, as in the paper's Python 2 code (see <see cref="TextUnit"/>).
/// </summary>
public sealed class CharCorpus
{
    /// <summary>The Billion Word folder holding the training files, below the data folder.</summary>
    public const string TrainingFolder = "training-monolingual.tokenized.shuffled";

    /// <summary>The code reads files 1..99 (file 0 of the 100 shards is the benchmark's held-out set).</summary>
    public const int FirstFile = 1, LastFile = 99;

    readonly int[][] lines;

    CharCorpus(string folder, CharCorpusOptions options, CharVocabulary vocabulary, int[][] lines, string[] files)
    {
        Folder = folder;
        Options = options;
        Vocabulary = vocabulary;
        this.lines = lines;
        Files = files;
    }

    /// <summary>news.en-NNNNN-of-00100, the name of training file <paramref name="number"/>.</summary>
    public static string FileName(int number) => $"news.en-{number:D5}-of-00100";

    /// <summary>The folder the files were read from.</summary>
    public string Folder { get; }

    public string Name => Folder;
    public CharCorpusOptions Options { get; }
    public CharVocabulary Vocabulary { get; }

    /// <summary>The files read, in order (those present among 1..99, up to the one where MaxLines was reached).</summary>
    public IReadOnlyList<string> Files { get; }

    public int Count => lines.Length;
    public int SequenceLength => Options.SequenceLength;

    /// <summary>Each line's ids (<see cref="SequenceLength"/> of them), in shuffled order. Shared: do not modify.</summary>
    public IReadOnlyList<int[]> Lines => lines;

    /// <summary>The lines at the given indices as ids, int64 [B, L].</summary>
    public Tensor Select(long[] indices)
    {
        int length = SequenceLength;
        var ids = new long[indices.Length * length];
        for (int b = 0; b < indices.Length; b++)
        {
            var line = lines[indices[b]];
            for (int t = 0; t < length; t++) ids[b * length + t] = line[t];
        }
        return tensor(ids, [indices.Length, length]);
    }

    /// <summary>The lines at the given indices one-hot encoded, float32 [B, L, V]: the critic's real inputs.</summary>
    public Tensor OneHot(long[] indices)
    {
        int length = SequenceLength, width = Vocabulary.Count;
        var hot = new float[(long)indices.Length * length * width];
        for (int b = 0; b < indices.Length; b++)
        {
            var line = lines[indices[b]];
            for (int t = 0; t < length; t++) hot[((long)b * length + t) * width + line[t]] = 1f;
        }
        return tensor(hot, [indices.Length, length, width]);
    }

    /// <summary>
    /// The training folder: <c>dataDir/training-monolingual.tokenized.shuffled</c> when it exists (dataDir is the
    /// benchmark's folder, as in the code), otherwise dataDir itself.
    /// </summary>
    public static string ResolveFolder(string dataDir)
    {
        if (!Directory.Exists(dataDir))
            throw new DirectoryNotFoundException(
                $"{dataDir}: Billion Word data folder not found (expected the folder holding {TrainingFolder}, or that folder itself)");
        var training = Path.Combine(dataDir, TrainingFolder);
        return Directory.Exists(training) ? training : dataDir;
    }

    public static CharCorpus Load(string dataDir, CharCorpusOptions options)
    {
        options.Validate();
        var folder = ResolveFolder(dataDir);
        var paths = Enumerable.Range(FirstFile, LastFile - FirstFile + 1)
            .Select(i => Path.Combine(folder, FileName(i))).Where(File.Exists).ToArray();
        if (paths.Length == 0)
            throw new FileNotFoundException(
                $"{folder}: no Billion Word training files (expected {FileName(FirstFile)} … {FileName(LastFile)}, " +
                $"in this folder or in its {TrainingFolder} folder)");

        var read = new List<int[]>();
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (read.Count == options.MaxLines) break;
            files.Add(path);
            ReadFile(path, options, read);
        }
        if (read.Count == 0)
            throw new InvalidDataException($"{folder}: the corpus is empty (0 lines in {string.Join(", ", files.Select(Path.GetFileName))})");

        // The code counts after its shuffle; the counts do not depend on the order, and counting in reading order keeps
        // the vocabulary (tie order included) independent of the shuffle seed.
        var vocabulary = CharVocabulary.Build(read, options.MaxVocabulary, options.Unit);
        var idOf = new int[options.Unit == TextUnit.Bytes ? 0x100 : 0x110000];
        for (int id = 1; id < vocabulary.Count; id++) idOf[vocabulary.Units[id]] = id;
        foreach (var line in read)
            for (int t = 0; t < line.Length; t++) line[t] = idOf[line[t]];

        return new CharCorpus(folder, options, vocabulary, Shuffle(read, options.ShuffleSeed), files.ToArray());
    }

    /// <summary>Appends the file's lines as padded units until <paramref name="lines"/> holds MaxLines.</summary>
    static void ReadFile(string path, CharCorpusOptions options, List<int[]> lines)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new LineReader(stream);
        for (long number = 1; lines.Count < options.MaxLines && reader.TryRead(out var text); number++)
        {
            var units = new int[options.SequenceLength];
            int n = options.Unit == TextUnit.Bytes ? CopyBytes(text, units) : DecodeUtf8(text, units, path, number);
            units.AsSpan(n).Fill(CharVocabulary.Padding);
            lines.Add(units);
        }
    }

    /// <summary>The line's first bytes into <paramref name="units"/>; the number written.</summary>
    static int CopyBytes(ReadOnlySpan<byte> text, int[] units)
    {
        int n = Math.Min(text.Length, units.Length);
        for (int i = 0; i < n; i++) units[i] = text[i];
        return n;
    }

    /// <summary>The line's first runes into <paramref name="units"/>; the whole line is checked to be valid UTF-8.</summary>
    static int DecodeUtf8(ReadOnlySpan<byte> text, int[] units, string path, long number)
    {
        int n = 0;
        for (int offset = 0; offset < text.Length;)
        {
            if (Rune.DecodeFromUtf8(text[offset..], out var rune, out int consumed) != OperationStatus.Done)
                throw new InvalidDataException(
                    $"{path}: line {number}: invalid UTF-8 at byte {offset} of the line (TextUnit.Utf8 expects UTF-8 text; TextUnit.Bytes reads any bytes)");
            if (n < units.Length) units[n++] = rune.Value;
            offset += consumed;
        }
        return n;
    }

    /// <summary>One seeded permutation of the lines (the code's single np.random.shuffle after loading).</summary>
    static int[][] Shuffle(List<int[]> lines, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var permutation = randperm(lines.Count, generator: generator);
        return permutation.data<long>().ToArray().Select(i => lines[(int)i]).ToArray();
    }
}
