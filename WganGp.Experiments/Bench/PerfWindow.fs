/// Lets `wgangp bench profile` sample only the timed iterations of a cell, not the process's start (loading libtorch,
/// JIT, building the networks), which at width 0.25 outweighs a few iterations many times over. The profiler starts
/// `perf record` with its events disabled (`--delay=-1`) and a control FIFO named in WGANGP_PERF_CONTROL; `around`
/// writes `enable` before the work and `disable` after it. Without that variable `around` only runs the work.
module WganGp.Experiments.PerfWindow

open System
open System.IO
open System.Threading

/// The environment variable naming perf's control FIFO.
[<Literal>]
let Variable = "WGANGP_PERF_CONTROL"

/// perf polls its control descriptor; this long for a command to take effect before the timed work starts.
let private settle = TimeSpan.FromMilliseconds 100.0

/// The control FIFO, opened once (perf holds it open for reading, so the open does not block).
let private control =
    lazy (
        match Environment.GetEnvironmentVariable Variable with
        | null | "" -> None
        | path -> Some(new StreamWriter(new FileStream(path, FileMode.Open, FileAccess.Write), AutoFlush = true)))

/// Runs `work` with perf's events enabled for its duration (when a profiler asked for it); its result.
let around (work: unit -> 'T) : 'T =
    match control.Value with
    | None -> work ()
    | Some perf ->
        perf.Write "enable\n"
        Thread.Sleep settle
        try work () finally perf.Write "disable\n"
