namespace WganGp.Core.Training;

/// <summary>
/// Whole-file writes that a reader (or a resumed run) never sees torn: the content goes to a temporary file beside the
/// target, is flushed to disk, and replaces the target by a rename. When the write fails (a full disk, a lost mount)
/// the temporary file is removed and the previous file is left as it was.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var tmp = TemporaryFor(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (IOException e)
        {
            TryDelete(tmp);
            throw new IOException($"could not write {path}: {e.Message}; " +
                (File.Exists(path) ? "the previous version is unchanged" : "nothing was written"), e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>The temporary file of a write to <paramref name="path"/>: named by the process, so that two processes
    /// replacing one shared file (a results folder's table) never write into each other's.</summary>
    public static string TemporaryFor(string path) => $"{path}.{Environment.ProcessId}.tmp";

    public static void WriteText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });

    static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { }   // best effort: the original error is the one to report
    }
}
