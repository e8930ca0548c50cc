/// One process at a time per cell: the lock, its holder's record and when a holder counts as gone.
module WganGp.Tests.LockTests

open System
open System.Diagnostics
open System.IO
open Expecto
open WganGp.Core.Training.Locks
open WganGp.Tests.Support

/// A holder record with some fields changed (C# records have no F# copy-and-update).
type private Edit =
    static member Of(h: LockHolder, ?host: string, ?pid: int, ?start: int64, ?boot: string, ?heartbeat: DateTimeOffset, ?slurm: string) =
        LockHolder(defaultArg host h.Host, defaultArg pid h.Pid, defaultArg start h.ProcessStart, defaultArg boot h.BootId, h.Started,
                   defaultArg heartbeat h.Heartbeat, (match slurm with Some s -> (s: string | null) | None -> h.SlurmTask))

let private holderFile dir name = Path.Combine(dir, RunLock.Folder, name + ".json")

/// A holder record as another process would have written it.
let private writeHolder dir name (holder: LockHolder) =
    Directory.CreateDirectory(Path.Combine(dir, RunLock.Folder)) |> ignore
    File.WriteAllText(holderFile dir name, holder.ToJson())

/// A process that has ended: its pid names nothing (or, reused, a process that started later).
let private endedPid () =
    use p = Process.Start(ProcessStartInfo("true", UseShellExecute = false)) |> nonNull
    p.WaitForExit()
    p.Id

let tests =
    testList "Locks" [
        test "a lock is held once: a second try names the holder; after release it is free, its record gone" {
            inTempDir (fun dir ->
                let first, none = RunLock.TryAcquire(dir, "cell")
                Expect.isNotNull first "the first try takes it"
                Expect.isNull none "no holder reported when taken"
                let second, holder = RunLock.TryAcquire(dir, "cell")
                Expect.isNull second "a second open of the lock is refused while it is held"
                let holder = nonNull holder
                Expect.equal holder.Pid Environment.ProcessId "the holder is this process"
                Expect.equal holder.Host Environment.MachineName "on this host"
                Expect.stringContains (string holder) $"pid {Environment.ProcessId} on {Environment.MachineName} since" "named for a person"
                Expect.equal (RunLock.HolderOf(dir, "cell") |> Option.ofObj |> Option.map _.Pid) (Some Environment.ProcessId) "plan sees the holder"
                let other, _ = RunLock.TryAcquire(dir, "another-cell")
                Expect.isNotNull other "locks of other names are independent"
                (nonNull other).Dispose()
                (nonNull first).Dispose()
                Expect.isFalse (File.Exists(holderFile dir "cell")) "the record is removed on release"
                Expect.isNull (RunLock.HolderOf(dir, "cell")) "nobody holds it"
                let again, _ = RunLock.TryAcquire(dir, "cell")
                Expect.isNotNull again "free again"
                (nonNull again).Dispose())
        }

        test "a record left by a process that is gone (killed, or a reused pid) does not hold the lock" {
            inTempDir (fun dir ->
                let me = LockHolder.Current()
                writeHolder dir "cell" (Edit.Of(me, pid = endedPid ()))
                Expect.isNull (RunLock.HolderOf(dir, "cell")) "an ended process holds nothing"
                writeHolder dir "cell" (Edit.Of(me, start = me.ProcessStart + 1L))
                Expect.isNull (RunLock.HolderOf(dir, "cell")) "this pid, but a process started at another time: a reused pid"
                writeHolder dir "cell" (Edit.Of(me, boot = "another-boot"))
                Expect.isNull (RunLock.HolderOf(dir, "cell")) "recorded before a reboot"
                let taken, _ = RunLock.TryAcquire(dir, "cell")
                Expect.isNotNull taken "taken over"
                let record = LockHolder.Read(holderFile dir "cell") |> nonNull
                Expect.equal record.BootId me.BootId "the new holder's record replaces the stale one"
                (nonNull taken).Dispose())
        }

        test "a holder on another host counts while its heartbeat is fresh, and not once it is stale or it is our own requeued Slurm task" {
            inTempDir (fun dir ->
                let now = DateTimeOffset.UtcNow
                let elsewhere = Edit.Of(LockHolder.Current(), host = "another-host", pid = 4242, heartbeat = now.AddMinutes -1.0)
                // A file system that shares no advisory locks between hosts: the flock is free, the record says otherwise.
                writeHolder dir "cell" elsewhere
                let refused, holder = RunLock.TryAcquire(dir, "cell")
                Expect.isNull refused "a live holder on another host keeps the cell"
                Expect.equal (nonNull holder).Host "another-host" "and is named"
                writeHolder dir "cell" (Edit.Of(elsewhere, heartbeat = now - LockHolder.StaleAfter - TimeSpan.FromMinutes 1.0))
                let taken, _ = RunLock.TryAcquire(dir, "cell")
                Expect.isNotNull taken "a holder silent for longer than StaleAfter is gone"
                (nonNull taken).Dispose()
                let requeued = Edit.Of(LockHolder.Current(), slurm = "77_3")
                Expect.isFalse (Edit.Of(elsewhere, slurm = "77_3").IsAliveAsSeenBy(requeued, now)) "our own task before its requeue is gone"
                Expect.isTrue (Edit.Of(elsewhere, slurm = "77_4").IsAliveAsSeenBy(requeued, now)) "another task of the array is not")
        }

        test "the Slurm task of a process: an array task as job_task, else the job, else none" {
            let env (pairs: (string * string) list) (name: string) = pairs |> List.tryFind (fst >> (=) name) |> Option.map snd |> Option.toObj
            Expect.equal (LockHolder.SlurmTaskOf(env [ "SLURM_ARRAY_JOB_ID", "12"; "SLURM_ARRAY_TASK_ID", "3"; "SLURM_JOB_ID", "15" ])) "12_3" "array task"
            Expect.equal (LockHolder.SlurmTaskOf(env [ "SLURM_JOB_ID", "15" ])) "15" "plain job"
            Expect.isNull (LockHolder.SlurmTaskOf(env [])) "not under Slurm"
        }

        test "waiting for a lock: it is taken once the holder releases it, and a timeout names the holder" {
            inTempDir (fun dir ->
                let held, _ = RunLock.TryAcquire(dir, "summary")
                throwsWith<TimeoutException> $"is held by pid {Environment.ProcessId}" (fun () ->
                    RunLock.Acquire(dir, "summary", TimeSpan.FromMilliseconds 300.0).Dispose())
                let release = Threading.Tasks.Task.Delay(300).ContinueWith(fun (_: Threading.Tasks.Task) -> (nonNull held).Dispose())
                use waited = RunLock.Acquire(dir, "summary", TimeSpan.FromSeconds 10.0)
                release.Wait()
                Expect.equal (RunLock.HolderOf(dir, "summary") |> nonNull).Pid Environment.ProcessId "taken after the release")
        }
    ]
