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
      Seed: int
      /// The criteria's score this reading is of.
      Score: string
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
      Reached: Point option
      /// Every evaluation of the score after iteration 0, in order.
      Points: Point list }

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
    let scores = series criteria.Score
    let ceilings = Scoring.ceilingOf criteria.Score |> Option.map series |> Option.defaultValue []
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
    { Id = row.Id; Dataset = key "dataset"; Architecture = key "architecture"; Method = key "method"; Seed = row.Seed
      Score = criteria.Score; Status = row.Status
      Untrained = untrained; Final = final |> Option.map _.Score |> Option.defaultValue nan; Ceiling = ceiling
      Progress = p; Seconds = final |> Option.map _.Seconds |> Option.defaultValue nan; Verdict = verdict
      Reached = points |> List.tryFind (fun x -> x.Progress >= criteria.Trains); Points = points }

/// Where a run (its method named) is at a point, on the axis.
let private at (axis: ConvergenceAxis) (methodName: string) (point: Point) =
    match axis with
    | GeneratorIterations -> float point.Iteration
    | TrainingSeconds -> point.Seconds
    | SecondsAlone rates -> float point.Iteration * Curves.rateOf rates methodName

let private axisText =
    function
    | GeneratorIterations -> "generator iterations"
    | TrainingSeconds -> "training seconds"
    | SecondsAlone _ -> "seconds at the rates measured alone"

let private reachedText axis (r: Reading option) =
    match r with
    | Some({ Reached = Some p } as reading) -> (at axis reading.Method p).ToString("0.#", CultureInfo.InvariantCulture)
    | _ -> "never"

/// The architecture and axis of a convergence claim; None for the claims read on no axis.
let axisOf (claim: Claim) =
    match claim with
    | ReachesSooner (_, _, a, axis) | ReachesWithin (_, _, a, axis, _) | ReachesLevelSooner (_, _, a, axis) -> Some(a, axis)
    | TrainsEvery _ | OnlyTrainsEvery _ | EndsBetter _ | SteadierAtEnd _ -> None

/// The rates measured alone (Dsl.SecondsAlone) that the claims on an architecture are read at; empty when none is.
let aloneRates (claims: Claim list) (architecture: string) =
    claims
    |> List.tryPick (fun c ->
        match axisOf c with
        | Some(a, SecondsAlone rates) when a = architecture -> Some rates
        | _ -> None)
    |> Option.defaultValue []

// Claims over seeds (Dsl.EndsBetter, ReachesLevelSooner, SteadierAtEnd): one number per seed, lower is better.

let private broken (r: Reading) = r.Status = RunStatus.Diverged || r.Status = RunStatus.Failed

/// A method's level on an architecture (Dsl.ReachesLevelSooner): L = √(U·B), U the geometric mean of its seeds'
/// iteration-0 scores, B the highest of its seeds' lowest scores after iteration 0.
type Level = { Value: float; Untrained: float; WorstBest: float }

/// The level of `methodName`'s seeds on `architecture` among the readings; None when they have no seed, or a seed
/// without a positive untrained score or any finite evaluation after iteration 0.
let level (readings: Reading list) (methodName: string) (architecture: string) : Level option =
    let mine = readings |> List.filter (fun r -> r.Method = methodName && r.Architecture = architecture)
    let best (r: Reading) = r.Points |> List.map _.Score |> List.filter finite |> List.fold min infinity
    let untrained = mine |> List.map _.Untrained
    let bests = mine |> List.map best
    if mine.IsEmpty || untrained |> List.exists (fun u -> not (finite u && u > 0.0)) || bests |> List.exists (fun b -> not (finite b && b > 0.0)) then None
    else
        let u = exp (untrained |> List.averageBy log)
        let b = List.max bests
        Some { Value = sqrt (u * b); Untrained = u; WorstBest = b }

/// A run's first evaluation after iteration 0 at or below the level, on the axis; infinity when it never gets there
/// (or diverged or failed).
let timeToLevel (axis: ConvergenceAxis) (level: float) (r: Reading) =
    if broken r then infinity
    else r.Points |> List.tryFind (fun p -> p.Score <= level) |> Option.map (at axis r.Method) |> Option.defaultValue infinity

/// A run's score at its last evaluation; infinity for a diverged or failed run or one without evaluations.
let endScore (r: Reading) = if broken r || not (finite r.Final) then infinity else r.Final

/// The share of training whose evaluations make a seed's late spread: the last fifth.
let lateShare = 0.2

/// A run's late spread (Dsl.SteadierAtEnd): the standard deviation (n − 2 degrees of freedom) of the residuals of
/// ln score about its least-squares line against generator iterations, over the evaluations at iterations ≥ 0.8 × its
/// last evaluated one; NaN with fewer than three such evaluations, infinity for a diverged or failed run.
let lateSpread (r: Reading) =
    if broken r then infinity
    else
        match r.Points with
        | [] -> nan
        | points ->
            let last = float (List.last points).Iteration
            let late = points |> List.filter (fun p -> float p.Iteration >= (1.0 - lateShare) * last && finite p.Score && p.Score > 0.0)
            if late.Length < 3 then nan
            else
                let xs = late |> List.map (fun p -> float p.Iteration)
                let ys = late |> List.map (fun p -> log p.Score)
                let mx, my = List.average xs, List.average ys
                let sxx = xs |> List.sumBy (fun x -> (x - mx) ** 2.0)
                let slope = if sxx > 0.0 then List.map2 (fun x y -> (x - mx) * (y - my)) xs ys |> List.sum |> fun sxy -> sxy / sxx else 0.0
                let residuals = List.map2 (fun x y -> y - (my + slope * (x - mx))) xs ys
                sqrt ((residuals |> List.sumBy (fun e -> e * e)) / float (late.Length - 2))

/// Whether every value of `mine` is below every value of `theirs` (the worst of mine beats the best of theirs); false
/// when either is empty or holds an undefined (NaN) value.
let separated (mine: float list) (theirs: float list) =
    not mine.IsEmpty && not theirs.IsEmpty && not (List.exists Double.IsNaN (mine @ theirs)) && List.max mine < List.min theirs

let private number (v: float) = if finite v then v.ToString("0.###", CultureInfo.InvariantCulture) else "–"
let private seconds (v: float) = if finite v then v.ToString("0", CultureInfo.InvariantCulture) else "–"

/// Significant figures for evidence: 3, or whole numbers at 1,000 and above.
let private figure (v: float) =
    if not (finite v) then "–"
    elif abs v >= 1000.0 then v.ToString("0", CultureInfo.InvariantCulture)
    else v.ToString("G3", CultureInfo.InvariantCulture)

/// "m: s0 12.3, s1 14, s2 never (mean –)": each seed's value (its status when it diverged or failed, "never" for an
/// infinite time, "undefined" for NaN) and the mean when every value is finite.
let private perSeed (name: string) (text: float -> string) (values: (Reading * float) list) =
    let one (r: Reading, v: float) =
        let shown = if broken r then r.Status.ToText() elif Double.IsNaN v then "undefined" elif Double.IsPositiveInfinity v then "never" else text v
        $"s{r.Seed} {shown}"
    let all = values |> List.map snd
    let mean = if not all.IsEmpty && List.forall finite all then $" (mean {text (List.average all)})" else ""
    let seeds = String.Join(", ", values |> List.sortBy (fun (r, _) -> r.Seed) |> List.map one)
    $"{name}: {seeds}{mean}"

/// Whether a claim holds over the readings, and the evidence in words.
let claim (readings: Reading list) (c: Claim) : string * bool * string =
    let ofMethod m = readings |> List.filter (fun r -> r.Method = m)
    let count m = ofMethod m |> List.filter (fun r -> r.Verdict = Trains) |> List.length
    let cell m a = readings |> List.tryFind (fun r -> r.Method = m && r.Architecture = a)
    // Claims over seeds: each seed of the method on the architecture with its measure, in seed order.
    let seeds m a (measure: Reading -> float) =
        readings |> List.filter (fun r -> r.Method = m && r.Architecture = a) |> List.sortBy _.Seed |> List.map (fun r -> r, measure r)
    let scoreOf a = readings |> List.tryFind (fun r -> r.Architecture = a) |> Option.map _.Score |> Option.defaultValue "score"
    // The pairing that decides: the worst of the method's seeds against the best of the other's.
    let compared holds m o (text: float -> string) (mine: (Reading * float) list) (theirs: (Reading * float) list) =
        let shown (v: float) = if Double.IsNaN v then "undefined" elif Double.IsPositiveInfinity v then "never/diverged" else text v
        match mine, theirs with
        | [], _ -> $"{m} has no seed here"
        | _, [] -> $"{o} has no seed here"
        | _ ->
            let worst = mine |> List.map snd |> List.reduce (fun a b -> if Double.IsNaN a || Double.IsNaN b then nan else max a b)
            let best = theirs |> List.map snd |> List.reduce (fun a b -> if Double.IsNaN a || Double.IsNaN b then nan else min a b)
            let relation = if holds then "<" elif Double.IsNaN worst || Double.IsNaN best then "cannot be compared with" else "≥"
            $"worst of {m} {shown worst} {relation} best of {o} {shown best}"
    // Both cells on the architecture, and whether the method's time to "trains" compares as asked with the other's
    // (the other never reaching it counts as later; the method never reaching it does not hold).
    let reach m o a axis (compare: float -> float -> bool) =
        let mine, theirs = cell m a, cell o a
        let holds =
            match mine |> Option.bind _.Reached, theirs |> Option.bind _.Reached with
            | Some p, Some q -> compare (at axis m p) (at axis o q)
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
    | EndsBetter (m, o, a) ->
        let score = scoreOf a
        let mine, theirs = seeds m a endScore, seeds o a endScore
        let holds = separated (List.map snd mine) (List.map snd theirs)
        $"on {a}, every seed of {m} ends with a lower {score} than every seed of {o}", holds,
        $"{score} at the last evaluation: {perSeed m figure mine}; {perSeed o figure theirs}; "
        + compared holds m o figure mine theirs
    | ReachesLevelSooner (m, o, a, axis) ->
        let text = $"on {a}, every seed of {m} reaches {m}'s level in fewer {axisText axis} than any seed of {o}"
        match level readings m a with
        | None -> text, false, $"no level: {m} has no seed on {a} with an untrained score and an evaluation after iteration 0"
        | Some l ->
            let mine, theirs = seeds m a (timeToLevel axis l.Value), seeds o a (timeToLevel axis l.Value)
            let holds = separated (List.map snd mine) (List.map snd theirs)
            let time = match axis with GeneratorIterations -> figure | TrainingSeconds | SecondsAlone _ -> seconds
            text, holds,
            $"level {scoreOf a} ≤ {figure l.Value} (√(U·B): U = {figure l.Untrained} untrained, B = {figure l.WorstBest} the worst of {m}'s seeds' best); "
            + $"{axisText axis} to it: {perSeed m time mine}; {perSeed o time theirs}; " + compared holds m o time mine theirs
    | SteadierAtEnd (m, o, a) ->
        let score = scoreOf a
        let mine, theirs = seeds m a lateSpread, seeds o a lateSpread
        let holds = separated (List.map snd mine) (List.map snd theirs)
        let spread (v: float) = v.ToString("0.0000", CultureInfo.InvariantCulture)
        $"on {a}, every seed of {m} has a smaller late spread of ln {score} than every seed of {o}", holds,
        $"late spread (residual std of ln {score} about a line, last fifth of training): {perSeed m spread mine}; {perSeed o spread theirs}; "
        + compared holds m o spread mine theirs

/// The criteria in words, as the tables print them above the verdicts.
let describe (criteria: Criteria) =
    let t, f = number criteria.Trains, number criteria.Fails
    let ceiling = Scoring.ceilingOf criteria.Score |> Option.defaultValue "its real-data ceiling"
    $"A cell's progress is (ln F0 − ln F) / (ln F0 − ln R) for F = {criteria.Score} at its last evaluation, F0 = {criteria.Score} "
    + $"of the same cell's untrained generator (iteration 0) and R = {ceiling} (held-out real images), all from its "
    + $"evaluations.csv at one sample count. Trains: progress ≥ {t}; fails: progress < {f}, or the run diverged or failed; "
    + "partial: in between. These criteria were written in the grid script before the grid ran."

/// Where a claim's seconds come from, as summary.md says under the claims that use them (TrainingSeconds).
let secondsNote =
    "Seconds are the training seconds each cell's evaluations.csv records at its evaluations: the trainer's wall clock "
    + "with evaluations, sample grids and checkpoints taken out, measured on the machine the cell ran on, under whatever "
    + "else ran there at the time."

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
                  yield $"| {text} | {outcome} | {evidence} |"
          let axes = criteria.Claims |> List.choose axisOf |> List.map snd
          if List.contains TrainingSeconds axes then
              yield ""
              yield secondsNote
          for r in axes |> List.choose (function SecondsAlone r -> Some r | _ -> None) |> List.distinct do
              yield ""
              yield Curves.ratesNote r ]
    String.Join("\n", [ "## Verdicts"; ""; describe criteria; "" ] @ cells @ [ ""; "### Claims"; "" ] @ claims) + "\n"
