/// `wgangp bench profile` samples only the timed iterations: `bench step` (the command it runs under perf) opens perf's
/// window around each timed round and nowhere else, through the real process; and perf's symbols are sorted by kind.
module WganGp.Tests.ProfileBenchTests

open System.IO
open Expecto
open WganGp.Experiments
open WganGp.Tests.Support

/// The commands a `bench step` process wrote to the control file perf would read.
let private windows (dir: string) (args: string list) =
    let control = Path.Combine(dir, "perf.ctl")
    File.WriteAllText(control, "")
    wgangpProcessWith [ PerfWindow.Variable, control ] 3.0 dir ("bench" :: "step" :: args) |> ok
    File.ReadAllText control

let tests =
    testList "profile bench" [
        test "bench step enables perf around each timed round, not around the start, warm-up or the logged run" {
            inTempDir (fun dir ->
                let twoRounds = "enable\ndisable\nenable\ndisable\n"
                let figure2 =
                    windows dir [ "--architectures"; "dcgan"; "--methods"; "dcgan"; "--widths"; "0.25"; "--batch-size"; "4"
                                  "--iterations"; "1"; "--warmup"; "1"; "--rounds"; "2"; "--python"; "/bin/false" ]
                Expect.equal figure2 twoRounds "a Figure 2 cell: one window per round of ours"
                let toy = windows dir [ "--toy"; "--iterations"; "1"; "--warmup"; "0"; "--rounds"; "2" ]
                Expect.equal toy twoRounds "the toy cell: one window per round of the trainer (the minimal loop outside)")
        }
        test "perf samples are sorted by kind from their library and symbol" {
            let cases =
                [ ("libgomp.so.1", "gomp_team_barrier_wait_end"), "OpenMP wait"
                  ("[kernel.kallsyms]", "clear_page_erms"), "kernel (page faults, syscalls)"
                  ("libc.so.6", "_int_malloc"), "allocation (malloc)"
                  ("[JIT] tid 12", "jit:brgemm_conv_bwd_w_kernel"), "conv backward-weights"
                  ("[JIT] tid 12", "jit:jit_avx512_common_conv_fwd_kernel"), "conv forward"
                  ("libtorch_cpu.so", "at::native::batch_norm_cpu_collect_stats"), "normalisers"
                  ("libcoreclr.so", "JIT_New"), ".NET & interop" ]
            for (dso, symbol), kind in cases do
                Expect.equal (ProfileBench.classify dso symbol) kind $"{dso} {symbol}"
        }
    ]
