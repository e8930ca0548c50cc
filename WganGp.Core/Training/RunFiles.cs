using System.Globalization;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>
/// The files of one run directory:
/// settings.json (resolved settings), log.csv (one row per logged generator iteration), samples.csv (final samples, one
/// flattened sample per row; samples.png, a grid of the first 64, for images), scores.json (name → value) and status.json (finished / diverged / failed). JSON files are
/// written through <see cref="AtomicFile"/>, so a reader never sees a torn file; the logs are appended whole lines at a
/// time (<see cref="AppendLog"/>). Checkpoints, TensorBoard events and periodic sample grids live in subfolders.
/// </summary>
public sealed class RunFiles(string directory)
{
    public const string Settings = "settings.json", Log = "log.csv", Samples = "samples.csv", SampleGrid = "samples.png", SampleText = "samples.txt",
        Scores = "scores.json", Status = "status.json",
        // score name → its scorer's protocol (field → value), beside scores.json
        Protocol = "protocol.json",
        // scores during training, long form: one row per (evaluation, score)
        Evaluations = "evaluations.csv";

    public static readonly string EvaluationsHeader = "iteration,seconds,score,value";

    public static readonly string LogHeader = "iteration,critic_loss,critic_gap,penalty,generator_loss,grad_norm,seconds";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Directory { get; } = directory;

    public string PathOf(string file) => System.IO.Path.Combine(Directory, file);

    public void WriteJson(string file, object value) => WriteAtomically(file, JsonSerializer.Serialize(value, Json));

    public void WriteStatus(RunStatus status, int iteration, double seconds, string? message = null) =>
        WriteJson(Status, new Dictionary<string, object?>
        {
            ["status"] = status.ToText(), ["iteration"] = iteration, ["seconds"] = Math.Round(seconds, 3), ["message"] = message,
        });

    /// <summary>Adds each score's protocol to protocol.json (score name → its fields), keeping the other scores' entries:
    /// evaluations during training and the final scores may come from different scorers.</summary>
    public void RecordProtocols(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> protocols)
    {
        var path = PathOf(Protocol);
        var all = File.Exists(path)
            ? JsonSerializer.Deserialize<SortedDictionary<string, Dictionary<string, string>>>(File.ReadAllText(path)) ?? new()
            : new SortedDictionary<string, Dictionary<string, string>>();
        foreach (var (name, protocol) in protocols) all[name] = protocol.ToDictionary(kv => kv.Key, kv => kv.Value);
        WriteJson(Protocol, all);
    }

    /// <summary>The log's header for a method with these extra scalars: the standard columns, then one per scalar.</summary>
    public static string LogHeaderWith(IReadOnlyList<string> extraScalars) =>
        extraScalars.Count == 0 ? LogHeader : LogHeader + "," + string.Join(",", extraScalars);

    /// <summary>One log row; the extra scalars in the header's order (empty when an iteration did not report one).</summary>
    public static string LogRow(IterationStats s, IReadOnlyList<string>? extraScalars = null)
    {
        var row = string.Join(",",
            s.Iteration.ToString(CultureInfo.InvariantCulture), F(s.CriticLoss), F(s.CriticGap), F(s.Penalty),
            F(s.GeneratorLoss), F(s.GradientNorm), s.Seconds.ToString("F3", CultureInfo.InvariantCulture));
        if (extraScalars is null || extraScalars.Count == 0) return row;
        return row + "," + string.Join(",", extraScalars.Select(name => s.Extra.TryGetValue(name, out var v) ? F(v) : ""));
    }

    /// <summary>Images ([N, C, H, W]) as a PNG grid of the first 64 (a CSV of every pixel would be hundreds of MB);
    /// anything else as CSV: one row per sample, its values flattened (x,y for the toy sets).</summary>
    public void WriteSamples(Tensor samples, Data.PixelScaling scaling = Data.PixelScaling.MinusOneOne)
    {
        if (samples.dim() == 4 && samples.shape[1] is 1 or 3)
        {
            using var first = samples.narrow(0, 0, Math.Min(64, samples.shape[0]));
            System.IO.Directory.CreateDirectory(Directory);
            Data.Images.ImageGrid.SavePng(first, scaling, PathOf(SampleGrid));
            return;
        }
        var flat = samples.reshape(samples.shape[0], -1).to(float32).cpu();
        long n = flat.shape[0], d = flat.shape[1];
        var values = flat.data<float>().ToArray();
        var lines = new List<string>((int)n + 1) { string.Join(",", Enumerable.Range(0, (int)d).Select(i => $"v{i}")) };
        for (long i = 0; i < n; i++)
            lines.Add(string.Join(",", Enumerable.Range(0, (int)d).Select(j => F(values[i * d + j]))));
        WriteAtomically(Samples, string.Join("\n", lines) + "\n");
    }

    /// <summary>Samples as text, one per line (the language model's decoded characters).</summary>
    public void WriteSampleText(IReadOnlyList<string> lines) => WriteAtomically(SampleText, string.Join("\n", lines) + "\n");

    /// <summary>Deletes the temporary files a killed run may have left mid-write (the files they were to replace are
    /// intact: see <see cref="AtomicFile"/>).</summary>
    public void RemoveStaleTemporaries()
    {
        if (!System.IO.Directory.Exists(Directory)) return;
        foreach (var tmp in System.IO.Directory.EnumerateFiles(Directory, "*.tmp", SearchOption.AllDirectories)) File.Delete(tmp);
    }

    void WriteAtomically(string file, string text) => AtomicFile.WriteText(PathOf(file), text);

    static string F(double v) => double.IsNaN(v) ? "" : v.ToString("G7", CultureInfo.InvariantCulture);
}
