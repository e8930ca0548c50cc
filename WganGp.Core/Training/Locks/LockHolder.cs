using System.Globalization;
using System.Text.Json;

namespace WganGp.Core.Training.Locks;

/// <summary>
/// Who holds a <see cref="RunLock"/>: the process (host, pid, its start time and the machine's boot, so that a reused
/// pid or a reboot is not mistaken for the holder), when it took the lock, when it last said it is alive, and its Slurm
/// task when it runs in one. Written beside the lock as JSON; read by whoever finds the lock taken.
/// </summary>
public sealed record LockHolder(
    string Host, int Pid, long ProcessStart, string BootId, DateTimeOffset Started, DateTimeOffset Heartbeat, string? SlurmTask)
{
    /// <summary>A holder on another host that has not refreshed its record for this long is gone (its host died, or
    /// its file system does not share advisory locks between hosts and the process ended without a trace).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    /// <summary>This process, now.</summary>
    public static LockHolder Current()
    {
        var now = DateTimeOffset.UtcNow;
        return new LockHolder(Environment.MachineName, Environment.ProcessId, ProcessStartOf(Environment.ProcessId) ?? 0, ThisBoot, now, now,
            CurrentSlurmTask);
    }

    /// <summary>Whether the holder still runs, as far as this process can tell (see <see cref="IsAliveAsSeenBy"/>).</summary>
    public bool IsAlive(DateTimeOffset now) => IsAliveAsSeenBy(Current(), now);

    /// <summary>Whether the holder still runs, as <paramref name="observer"/> can tell: on the observer's host, its
    /// process (same pid, same start, same boot); on another, a heartbeat within <see cref="StaleAfter"/> — unless it
    /// was the observer's own Slurm task before a requeue, which Slurm only restarts once the old one is gone.</summary>
    public bool IsAliveAsSeenBy(LockHolder observer, DateTimeOffset now)
    {
        if (Host == observer.Host) return BootId == observer.BootId && ProcessStartOf(Pid) is { } start && start == ProcessStart;
        if (SlurmTask is not null && SlurmTask == observer.SlurmTask) return false;
        return now - Heartbeat < StaleAfter;
    }

    public override string ToString()
    {
        if (Pid == 0) return Host;   // a holder known only by its lock
        var slurm = SlurmTask is null ? "" : $", Slurm task {SlurmTask}";
        return $"pid {Pid} on {Host} since {Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC{slurm}";
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The holder recorded in <paramref name="path"/>; null when there is none, or it is torn or foreign (a
    /// record is only advice: the lock itself is what excludes).</summary>
    public static LockHolder? Read(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize<LockHolder>(File.ReadAllText(path), Json) : null; }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException) { return null; }
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The boot this host is in (Linux's boot id): a holder recorded in another boot is gone.</summary>
    static readonly string ThisBoot = ReadOrEmpty("/proc/sys/kernel/random/boot_id");

    /// <summary>The Slurm array task (job_task) or job this process runs in, if any; a requeued task keeps it.</summary>
    static readonly string? CurrentSlurmTask = SlurmTaskOf(Environment.GetEnvironmentVariable);

    /// <summary>The Slurm task named by these environment variables: an array task as job_task, else a job.</summary>
    public static string? SlurmTaskOf(Func<string, string?> variable) =>
        variable("SLURM_ARRAY_JOB_ID") is { Length: > 0 } array && variable("SLURM_ARRAY_TASK_ID") is { Length: > 0 } task ? $"{array}_{task}"
        : variable("SLURM_JOB_ID") is { Length: > 0 } job ? job
        : null;

    /// <summary>When process <paramref name="pid"/> started (clock ticks since boot, from /proc/pid/stat); null when
    /// there is no such process. Elsewhere than Linux, its start time as .NET reports it.</summary>
    static long? ProcessStartOf(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return long.Parse(fields[19], CultureInfo.InvariantCulture);   // field 22, starttime
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return null; }
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { return null; }
    }

    static string ReadOrEmpty(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path).Trim() : ""; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
