/// Verdicts from pre-registered criteria (Dsl.Criteria): per cell whether it trains, per claim whether it holds, read
/// from the cells' evaluations.csv against their own two fixed points (the untrained generator, the real ceiling).
module WganGp.Experiments.Verdicts

open System
open System.Globalization
open System.IO
open WganGp.Core.Training
open WganGp.Experiments.Dsl
open WganGp.Experiments.Tables

type Verdict =
    | Trains
    | Partial
    | Fails
    /// The criteria cannot be applied (no evaluations of the score, no iteration-0 evaluation, no ceiling).
    | Undecided of reason: string

/// One evaluation's progress: the share of the log gap between the untrained score and the ceiling closed.
type Point = { Iteration: int; Seconds: float; Score: float; Progress: float }

/// One cell read against the criteria.
type Reading =
    { Id: string
      Dataset: string
      Architecture: string
      Method: string
      Status: RunStatus
      /// The score at iteration 0 (the untrained generator), at the last evaluation, and the real ceiling there.
      Untrained: float
      Final: float
      Ceiling: float
      Progress: float
      /// Training seconds (evaluations, grids and checkpoints excluded) at the last evaluation.
      Seconds: float
      Verdict: Verdict
      /// The first evaluation whose progress reaches the "trains" threshold.
      Reached: Point option }

let private finite (v: float) = Double.IsFinite v

/// (ln F0 − ln F) / (ln F0 − ln R); NaN when the fixed points do not leave a gap (F0 ≤ R) or a value is not positive.
let progress (untrained: float) (ceiling: float) (score: float) =
    if finite untrained && finite ceiling && finite score && ceiling > 0.0 && score > 0.0 && untrained > ceiling then
        (log untrained - log score) / (log untrained - log ceiling)
    else nan

let verdictOf (criteria: Criteria) (status: RunStatus) (p: float) =
    if status = RunStatus.Diverged || status = RunStatus.Failed then Fails
    elif status <> RunStatus.Finished then Undecided $"the run is {status.ToText()}"
    elif Double.IsNaN p then Undecided "no progress: the evaluations lack an iteration-0 score, a finite score or a ceiling below the untrained score"
    elif p >= criteria.Trains then Trains
    elif p < criteria.Fails then Fails
    else Partial

let verdictText =
    function
    | Trains -> "trains"
    | Partial -> "partial"
    | Fails -> "fails"
    | Undecided _ -> "undecided"

/// Reads one run directory's evaluations.csv against the criteria.
let read (criteria: Criteria) (dir: string) (row: RunRow) : Reading =
    let key k = row.Keys |> Map.tryFind k |> Option.defaultValue "-"
    let path = Path.Combine(dir, row.Id, RunFiles.Evaluations)
    let evaluations = if File.Exists path then Curves.readEvaluations path else []
    let series name = evaluations |> List.filter (fun e -> e.Score = name) |> List.sortBy _.Iteration
    let scores, ceilings = series criteria.Score, series (criteria.Score + "_real")
    let untrained = scores |> List.tryFind (fun e -> e.Iteration = 0) |> Option.map _.Value |> Option.defaultValue nan
    let ceiling = ceilings |> List.tryLast |> Option.map _.Value |> Option.defaultValue nan
    let points =
        [ for e in scores do
              if e.Iteration > 0 then
                  { Iteration = e.Iteration; Seconds = e.Seconds; Score = e.Value; Progress = progress untrained ceiling e.Value } ]
    let final = points |> List.tryLast
    let p = final |> Option.map _.Progress |> Option.defaultValue nan
    let verdict =
        match verdictOf criteria row.Status p with
        | Undecided _ when evaluations.IsEmpty && row.Status = RunStatus.Finished -> Undecided $"{path} has no evaluations"
        | v -> v
    { Id = row.Id; Dataset = key "dataset"; Architecture = key "architecture"; Method = key "method"; Status = row.Status
      Untrained = untrained; Final = final |> Option.map _.Score |> Option.defaultValue nan; Ceiling = ceiling
      Progress = p; Seconds = final |> Option.map _.Seconds |> Option.defaultValue nan; Verdict = verdict
      Reached = points |> List.tryFind (fun x -> x.Progress >= criteria.Trains) }

let private at (axis: ConvergenceAxis) (point: Point) =
    match axis with
    | GeneratorIterations -> float point.Iteration
    | TrainingSeconds -> point.Seconds

let private axisText =
    function
    | GeneratorIterations -> "generator iterations"
    | TrainingSeconds -> "training seconds"

let private reachedText axis (r: Reading option) =
    match r |> Option.bind _.Reached with
    | Some p -> (at axis p).ToString("0.#", CultureInfo.InvariantCulture)
    | None -> "never"

/// Whether a claim holds over the readings, and the evidence in words.
let claim (readings: Reading list) (c: Claim) : string * bool * string =
    let ofMethod m = readings |> List.filter (fun r -> r.Method = m)
    let count m = ofMethod m |> List.filter (fun r -> r.Verdict = Trains) |> List.length
    let cell m a = readings |> List.tryFind (fun r -> r.Method = m && r.Architecture = a)
    // Both cells on the architecture, and whether the method's time to "trains" compares as asked with the other's
    // (the other never reaching it counts as later; the method never reaching it does not hold).
    let reach m o a axis (compare: float -> float -> bool) =
        let mine, theirs = cell m a, cell o a
        let holds =
            match mine |> Option.bind _.Reached, theirs |> Option.bind _.Reached with
            | Some p, Some q -> compare (at axis p) (at axis q)
            | Some _, None -> theirs.IsSome
            | None, _ -> false
        mine, theirs, holds
    match c with
    | TrainsEvery m ->
        let mine = ofMethod m
        $"{m} trains every architecture", (not mine.IsEmpty && count m = mine.Length), $"{m} trains {count m} of {mine.Length}"
    | OnlyTrainsEvery m ->
        let others = readings |> List.map _.Method |> List.distinct |> List.filter ((<>) m)
        let allOf o = count o = (ofMethod o).Length
        let evidence = String.Join("; ", [ for o in others -> $"{o} trains {count o} of {(ofMethod o).Length}" ])
        $"no method but {m} trains every architecture", (not others.IsEmpty && not (List.exists allOf others)), evidence
    | ReachesSooner (m, o, a, axis) ->
        let mine, theirs, holds = reach m o a axis (<)
        $"on {a}, {m} reaches \"trains\" in fewer {axisText axis} than {o}", holds,
        $"{m}: {reachedText axis mine}, {o}: {reachedText axis theirs} {axisText axis}"
    | ReachesWithin (m, o, a, axis, factor) ->
        let mine, theirs, holds = reach m o a axis (fun p q -> p <= factor * q)
        let f = factor.ToString("0.##", CultureInfo.InvariantCulture)
        $"on {a}, {m} reaches \"trains\" within {f}x the {axisText axis} {o} needs", holds,
        $"{m}: {reachedText axis mine}, {o}: {reachedText axis theirs} {axisText axis}"

let private number (v: float) = if finite v then v.ToString("0.###", CultureInfo.InvariantCulture) else "–"
let private seconds (v: float) = if finite v then v.ToString("0", CultureInfo.InvariantCulture) else "–"

/// The criteria in words, as the tables print them above the verdicts.
let describe (criteria: Criteria) =
    let t, f = number criteria.Trains, number criteria.Fails
    $"A cell's progress is (ln F0 − ln F) / (ln F0 − ln R) for F = {criteria.Score} at its last evaluation, F0 = {criteria.Score} "
    + $"of the same cell's untrained generator (iteration 0) and R = {criteria.Score}_real (held-out real images), all from its "
    + $"evaluations.csv at one sample count. Trains: progress ≥ {t}; fails: progress < {f}, or the run diverged or failed; "
    + "partial: in between. These criteria were written in the grid script before the grid ran."

/// The verdict section of summary.md: the criteria, a line per cell, a line per claim. `expected`: the grid's cell
/// count; while fewer of its cells are done (finished, diverged or failed), every claim is undecided, not judged on
/// the cells that happen to be there.
let toMarkdown (criteria: Criteria) (expected: int) (readings: Reading list) =
    let cells =
        [ yield "| cell | architecture | method | status | F0 (untrained) | F (last) | R (real) | progress | verdict | training s |"
          yield "|---|---|---|---|--:|--:|--:|--:|---|--:|"
          for r in readings do
              let why = match r.Verdict with Undecided reason -> $" ({reason})" | _ -> ""
              yield $"| {r.Id} | {r.Architecture} | {r.Method} | {r.Status.ToText()} | {number r.Untrained} | {number r.Final} | {number r.Ceiling} | {number r.Progress} | {verdictText r.Verdict}{why} | {seconds r.Seconds} |"
          let timed = readings |> List.map _.Seconds |> List.filter finite
          yield ""
          yield $"Training seconds (evaluations, sample grids and checkpoints excluded) to each cell's last evaluation: {seconds (List.sum timed)} s in all over {timed.Length} cells." ]
    let claims =
        [ yield "| claim | holds | evidence |"
          yield "|---|---|---|"
          let finished = readings |> List.filter (fun r -> r.Status <> RunStatus.Running) |> List.length
          for c in criteria.Claims do
              let text, holds, evidence = claim readings c
              if finished < expected then
                  yield $"| {text} | undecided | {finished} of the grid's {expected} cells are done; so far: {evidence} |"
              else
                  let outcome = if holds then "holds" else "fails"
                  yield $"| {text} | {outcome} | {evidence} |" ]
    String.Join("\n", [ "## Verdicts"; ""; describe criteria; "" ] @ cells @ [ ""; "### Claims"; "" ] @ claims) + "\n"
