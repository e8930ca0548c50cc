using System.Text;

namespace WganGp.Core.Training;

/// <summary>
/// A CSV file written one complete line at a time (each line is a single write, flushed), so a killed run leaves at
/// most whole lines. Its length is part of a checkpoint: a resumed run cuts the file back to that length, dropping the
/// rows written after the checkpoint, and appends from there, so the file ends up as an uninterrupted run's.
/// </summary>
public sealed class AppendLog : IDisposable
{
    readonly FileStream stream;

    AppendLog(FileStream stream) => this.stream = stream;

    public string Path => stream.Name;

    /// <summary>Bytes written so far (what a checkpoint records).</summary>
    public long Length => stream.Length;

    /// <summary>A new file holding only the header.</summary>
    public static AppendLog Create(string path, string header)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var log = new AppendLog(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));
        log.WriteLine(header);
        return log;
    }

    /// <summary>The file as it was at a checkpoint: cut back to <paramref name="length"/> bytes, appending after them.
    /// A file shorter than that (it was not written by this run) is an error, not silently extended.</summary>
    public static AppendLog Resume(string path, string header, long length)
    {
        if (!File.Exists(path)) return length <= 0 ? Create(path, header)
            : throw new InvalidDataException($"{path} is missing but the checkpoint expects {length} bytes of it");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        if (stream.Length < length)
        {
            var actual = stream.Length;
            stream.Dispose();
            throw new InvalidDataException($"{path} has {actual} bytes but the checkpoint expects at least {length}: it was not written by this run");
        }
        stream.SetLength(length);
        stream.Seek(0, SeekOrigin.End);
        var log = new AppendLog(stream);
        if (length == 0) log.WriteLine(header);
        return log;
    }

    public void WriteLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        stream.Write(bytes, 0, bytes.Length);
        stream.Flush();
    }

    public void Dispose() => stream.Dispose();
}
