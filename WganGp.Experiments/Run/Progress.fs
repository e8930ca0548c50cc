/// Progress of a grid and of its current cell: on a terminal one status line rewritten in place (cell i/n, iterations,
/// iterations/s, ETA, latest losses); when output is redirected (a log file, Slurm) plain lines every tenth of a cell.
module WganGp.Experiments.Progress

open System
open WganGp.Core.Training

let private duration (seconds: float) =
    if not (Double.IsFinite seconds) then "?"
    else
        let t = TimeSpan.FromSeconds(max 0.0 seconds)
        if t.TotalHours >= 1.0 then $"{int t.TotalHours}h{t.Minutes:D2}m"
        elif t.TotalMinutes >= 1.0 then $"{t.Minutes}m{t.Seconds:D2}s"
        else $"{t.TotalSeconds:F0}s"

/// The status text of a cell at an iteration: progress, speed since this process started it, ETA, losses.
let describe (index: int) (total: int) (iterations: int) (startIteration: int) (s: IterationStats) (sinceStart: float) =
    let done' = s.Iteration + 1
    let rate = float (done' - startIteration) / max sinceStart 1e-9
    let eta = float (iterations - done') / rate
    let percent = 100.0 * float done' / float iterations
    $"[{index}/{total}] it {done'}/{iterations} ({percent:F1}%%)  {rate:F1} it/s  ETA {duration eta}  D {s.CriticLoss:F4}  gap {s.CriticGap:F4}  gp {s.Penalty:F4}  G {s.GeneratorLoss:F4}"

/// One cell's reporter. `live`: rewrite one line (a terminal); otherwise print a line every tenth of the budget.
type CellProgress(index: int, total: int, iterations: int, live: bool) =
    let clock = Diagnostics.Stopwatch.StartNew()
    // Mutable state of the runner's console I/O: the first iteration seen (a resumed cell starts late) and the
    // last redraw, so the live line is redrawn a few times a second, not every iteration.
    let mutable start = -1
    let mutable lastDraw = -1.0
    let mutable drawn = false
    let every = max 1 (iterations / 10)

    member _.Iteration(s: IterationStats) =
        if start < 0 then start <- s.Iteration
        let text () = describe index total iterations start s clock.Elapsed.TotalSeconds
        if live then
            if clock.Elapsed.TotalSeconds - lastDraw >= 0.25 || s.Iteration = iterations - 1 then
                lastDraw <- clock.Elapsed.TotalSeconds
                let line = text ()
                let width = try max 20 (Console.WindowWidth - 1) with _ -> 120
                Console.Write("\r" + (if line.Length > width then line.Substring(0, width) else line.PadRight width))
                drawn <- true
        elif s.Iteration % every = 0 || s.Iteration = iterations - 1 then
            printfn $"  {text ()}"

    /// A line of its own (an evaluation, a message), below the live line.
    member _.Line(text: string) =
        if drawn then
            Console.WriteLine()
            drawn <- false
        printfn $"  {text}"

    member this.Finish() = if drawn then this.Line ""

/// Whether to draw live lines: stdout is a terminal.
let isLive () = not Console.IsOutputRedirected
