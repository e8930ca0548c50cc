namespace WganGp.Core.Training.Locks;

/// <summary>
/// One process at a time on a piece of a results folder (a cell's run directory, a figure, the folder's table), as
/// Snakemake locks its working directory. The lock is an advisory lock (flock) on <c>&lt;folder&gt;/.locks/&lt;name&gt;.lock</c>,
/// held open while the work runs: the kernel releases it when the process ends however it ends (SIGKILL, a crash, a
/// reboot), so a later process takes over without anyone clearing it. Beside it, <c>&lt;name&gt;.json</c> names the
/// holder (<see cref="LockHolder"/>) for whoever finds it taken, refreshed every minute: on a file system that does not
/// share advisory locks between hosts, a live holder elsewhere is recognised by that heartbeat, and a Slurm task that
/// was requeued onto another host takes over its own lock at once.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The folder, inside the locked results folder, holding the locks and their holders.</summary>
    public const string Folder = ".locks";

    static readonly TimeSpan HeartbeatEvery = TimeSpan.FromMinutes(1);

    readonly FileStream handle;
    readonly string holderPath;
    readonly Timer heartbeat;
    readonly object gate = new();
    LockHolder holder;
    bool released;

    RunLock(FileStream handle, string holderPath, LockHolder holder)
    {
        this.handle = handle;
        this.holderPath = holderPath;
        this.holder = holder;
        TryWrite();
        heartbeat = new Timer(_ => Beat(), null, HeartbeatEvery, HeartbeatEvery);
    }

    /// <summary>The lock on <paramref name="name"/> in <paramref name="folder"/>, or null with the process that holds
    /// it (a placeholder when it has not written its record yet).</summary>
    public static RunLock? TryAcquire(string folder, string name, out LockHolder? heldBy)
    {
        var (lockPath, holderPath) = PathsOf(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        FileStream handle;
        try
        {
            // FileShare.None is an exclusive flock on Unix (.NET); the lock file itself is never deleted, since a
            // process waiting on a deleted file's lock would hold nothing.
            handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsContention(e))
        {
            // A record of a holder that is gone is the previous holder's: the new one has not written its own yet.
            heldBy = LockHolder.Read(holderPath) is { } recorded && recorded.IsAlive(DateTimeOffset.UtcNow) ? recorded : Unknown;
            return null;
        }
        // The advisory lock is ours; a live holder on another host whose file system did not tell us is still one.
        if (LockHolder.Read(holderPath) is { } other && other.Host != Environment.MachineName && other.IsAlive(DateTimeOffset.UtcNow))
        {
            handle.Dispose();
            heldBy = other;
            return null;
        }
        heldBy = null;
        return new RunLock(handle, holderPath, LockHolder.Current());
    }

    /// <summary>The lock on <paramref name="name"/>, waiting for its holder for at most <paramref name="timeout"/>
    /// (for short work every process must do in turn, such as writing a folder's table).</summary>
    public static RunLock Acquire(string folder, string name, TimeSpan timeout)
    {
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            if (TryAcquire(folder, name, out var heldBy) is { } acquired) return acquired;
            if (DateTimeOffset.UtcNow - started > timeout)
                throw new TimeoutException($"{PathsOf(folder, name).Lock} is held by {heldBy} for more than {timeout.TotalSeconds:F0} s");
            Thread.Sleep(100);
        }
    }

    /// <summary>The live holder of <paramref name="name"/>, read from its record without touching the lock (what
    /// `plan` shows); null when nobody holds it.</summary>
    public static LockHolder? HolderOf(string folder, string name) =>
        LockHolder.Read(PathsOf(folder, name).Holder) is { } holder && holder.IsAlive(DateTimeOffset.UtcNow) ? holder : null;

    /// <summary>Releases the lock: the record first (after the release another process may write its own).</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (released) return;
            released = true;
        }
        heartbeat.Dispose();
        try { File.Delete(holderPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // advice only: the lock is what counts
        handle.Dispose();
    }

    static (string Lock, string Holder) PathsOf(string folder, string name)
    {
        var locks = Path.Combine(folder, Folder);
        return (Path.Combine(locks, name + ".lock"), Path.Combine(locks, name + ".json"));
    }

    /// <summary>Someone else holds the advisory lock: EWOULDBLOCK (Linux 11, macOS 35), or Windows' sharing violation.</summary>
    static bool IsContention(IOException e) => e.HResult is 11 or 35 or unchecked((int)0x80070020);

    static readonly LockHolder Unknown =
        new("another process (its record is not written yet)", 0, 0, "", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);

    void Beat()
    {
        lock (gate)
        {
            if (released) return;
            holder = holder with { Heartbeat = DateTimeOffset.UtcNow };
            TryWrite();
        }
    }

    /// <summary>Writes the holder's record; a full disk or a read-only folder leaves it unwritten (it is advice: the
    /// lock itself excludes), and the next beat tries again.</summary>
    void TryWrite()
    {
        try { AtomicFile.WriteText(holderPath, holder.ToJson()); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
