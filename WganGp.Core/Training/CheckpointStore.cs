using System.Globalization;

namespace WganGp.Core.Training;

/// <summary>The <c>checkpoints/</c> folder of a run directory: <c>it-00000500.ckpt</c> per saved iteration (the last
/// <see cref="CheckpointOptions.Keep"/> kept) and optionally <c>best.ckpt</c>.</summary>
public sealed class CheckpointStore(string runDirectory)
{
    public const string Folder = "checkpoints", Best = "best.ckpt";

    public string Directory { get; } = Path.Combine(runDirectory, Folder);

    public string PathFor(int iteration) => Path.Combine(Directory, $"it-{iteration.ToString("D8", CultureInfo.InvariantCulture)}.ckpt");

    public string BestPath => Path.Combine(Directory, Best);

    /// <summary>Saved iterations with their files, newest first.</summary>
    public IReadOnlyList<(int Iteration, string Path)> All()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.GetFiles(Directory, "it-*.ckpt")
            .Select(p => (Ok: int.TryParse(Path.GetFileNameWithoutExtension(p)[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var it), It: it, Path: p))
            .Where(x => x.Ok)
            .OrderByDescending(x => x.It)
            .Select(x => (x.It, x.Path))
            .ToList();
    }

    /// <summary>The newest checkpoint whose header reads, or null. An unreadable newest file (which atomic writes should
    /// make impossible, but disks fail) is reported through <paramref name="warn"/> and the previous one used.</summary>
    public (string Path, CheckpointHeader Header)? Latest(Action<string>? warn = null)
    {
        foreach (var (_, path) in All())
        {
            try { return (path, Checkpoint.ReadHeader(path)); }
            catch (InvalidDataException e) { warn?.Invoke($"{e.Message}; trying an older checkpoint"); }
        }
        return null;
    }

    public string Save(TrainingState state, CheckpointHeader header, int keep)
    {
        var path = PathFor(header.Iteration);
        Checkpoint.Save(path, state, header);
        // Only once the new file is in place do older ones go.
        foreach (var (_, old) in All().Skip(keep)) File.Delete(old);
        return path;
    }

    public void SaveBest(TrainingState state, CheckpointHeader header) => Checkpoint.Save(BestPath, state, header);
}
