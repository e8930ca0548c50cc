/// Evaluates an experiment script (experiments/*.fsx) in-process with FSharp.Compiler.Service and reads one of its
/// top-level values back as a value of the host's own types.
module WganGp.Experiments.ScriptLoader

open System
open System.IO
open FSharp.Compiler.Diagnostics
open FSharp.Compiler.Interactive.Shell

// Readable type names for messages: `FSharpList<Ns.Cell>` rather than FullName's assembly-qualified brackets.
let rec private typeName (t: Type) : string =
    let prefix =
        match t.DeclaringType with
        | null -> if isNull t.Namespace then "" else $"{t.Namespace}."
        | outer -> typeName outer + "."
    let args =
        if t.IsGenericType then "<" + (t.GetGenericArguments() |> Array.map typeName |> String.concat ", ") + ">" else ""
    prefix + t.Name.Split('`').[0] + args

// MSBuild-style "path(line,col): error FSxxxx: text" (1-based line and column), so editors and CI logs can jump to it.
let private errorsOf (diagnostics: FSharpDiagnostic[]) =
    [ for d in diagnostics do
          if d.Severity = FSharpDiagnosticSeverity.Error then
              $"{d.Range.FileName}({d.StartLine},{d.StartColumn + 1}): error {d.ErrorNumberText}: {d.Message}" ]

// Sessions touch process-wide state (console, assembly resolution); nothing needs two at once, so never risk it.
let private gate = obj ()

/// Evaluates an F# script with the given assemblies referenced (the host's own assemblies: pass
/// typeof<SomeType>.Assembly.Location etc.), then reads the value bound to `valueName` at the script's top level
/// (e.g. `let experiment = ...`), which must have type 'T. Error (human-readable messages) when the file does not
/// exist, the script does not compile (warnings count as errors, as in the rest of the solution), it throws while
/// evaluating, it has no top-level value of that name, or the value has another type.
///
/// Scripts may keep `#r "../WganGp.Experiments/bin/.../wgangp.dll"` lines for IDE support. The loader's own `-r:`
/// come first, and the compiler ignores a later reference to an assembly of the same name, so type checking uses
/// the host's copy (a stale copy elsewhere is not consulted); at run time the CLR binds to the assembly already
/// loaded in this process. Values therefore always have the host's types. Such a `#r` must still point at an
/// existing file, else it is a compile error on that line (FS0078).
let load<'T> (references: string list) (scriptPath: string) (valueName: string) : Result<'T, string list> =
    let scriptPath = Path.GetFullPath scriptPath
    if not (File.Exists scriptPath) then
        Error [ $"{scriptPath}: experiment script not found" ]
    else
        let args =
            [| "fsi" // argv[0], ignored
               "--noninteractive" // never read stdin
               "--nologo"
               "--warnaserror+" // same bar as the solution's TreatWarningsAsErrors
               for r in references do
                   $"-r:{r}" |]
        lock gate (fun () ->
            // FSI's own feedback (prompt, "[Loading ...]", "val x: ...") goes to outWriter: discard it. The script's
            // printfn writes to Console.Out itself, so it still reaches the user. Diagnostics come back from the
            // NonThrowing calls, so the error writer's copy of them is not needed either.
            use session =
                FsiEvaluationSession.Create(
                    FsiEvaluationSession.GetDefaultConfiguration(), args, new StringReader(""), TextWriter.Null, TextWriter.Null)
            // FSI resolves #load / #r paths against the directory of the script that contains them.
            let result, diagnostics = session.EvalScriptNonThrowing scriptPath
            match errorsOf diagnostics, result with
            | _ :: _ as errors, _ -> Error errors
            | [], Choice2Of2 e -> Error [ $"{scriptPath}: the script raised {e.GetType().Name}: {e.Message}" ]
            | [], Choice1Of2 () ->
                // The script becomes a module named after its file, capitalised (lsun-matrix.fsx -> `Lsun-matrix`), and
                // it is not opened afterwards: neither the plain name nor TryFindBoundValue (which sees only values bound
                // by interactions) finds its values. Qualify with the double-backticked module name, which also copes
                // with dashes, and let the compiler resolve it.
                let fileName = Path.GetFileNameWithoutExtension scriptPath |> nonNull
                let moduleName = string (Char.ToUpperInvariant fileName.[0]) + fileName.Substring 1
                match session.EvalExpressionNonThrowing $"``{moduleName}``.``{valueName}``" with
                | Choice1Of2 (Some value), _ when typeof<'T>.IsAssignableFrom value.ReflectionType ->
                    Ok(unbox<'T> value.ReflectionValue)
                | Choice1Of2 (Some value), _ ->
                    Error [ $"{scriptPath}: top-level value '{valueName}' has type {typeName value.ReflectionType}, expected {typeName typeof<'T>}" ]
                | _ -> Error [ $"{scriptPath}: no top-level value named '{valueName}' (expected a line `let {valueName} = ...`)" ])

/// Every architecture an experiment names (its grids' and its figures').
let architecturesOf (experiment: WganGp.Experiments.Dsl.Experiment) : WganGp.Experiments.Dsl.Architecture list =
    [ for grid in experiment.Grids do yield! grid.Architectures
      for figure in experiment.Figures do
          match figure with
          | WganGp.Experiments.Dsl.Figure1a f -> f.Architecture
          | WganGp.Experiments.Dsl.Figure1bc f -> f.Architecture ]
    |> List.distinct

/// Pre-registered criteria need a lower-is-better score with a real-data ceiling, as its scorer declares it.
let private criteriaProblems (experiment: WganGp.Experiments.Dsl.Experiment) =
    [ for grid in experiment.Grids do
          match grid.Criteria with
          | Some c ->
              match WganGp.Experiments.Scoring.declarationOf c.Score with
              | None -> $"grid '{grid.Name}': Criteria.Score '{c.Score}' is declared by no scorer (e.g. cls_fid, fid, energy, js4)"
              | Some d when d.Better <> WganGp.Core.Metrics.Better.Lower ->
                  $"grid '{grid.Name}': Criteria.Score '{c.Score}' is higher-is-better; the criteria need a lower-is-better score such as a FID"
              | Some d when isNull d.Ceiling -> $"grid '{grid.Name}': Criteria.Score '{c.Score}' has no real-data ceiling to measure progress against"
              | Some _ -> ()
          | None -> () ]

/// Evaluates a script; compile errors come back with file and line. The kinds of the architectures and data formats it
/// names are registered (`Kinds`), so cell.json files of the ones the script defines can be read back.
let loadExperiment (path: string) =
    let references =
        [ typeof<WganGp.Experiments.Dsl.Experiment>.Assembly.Location
          typeof<WganGp.Core.Methods.Method>.Assembly.Location
          typeof<TorchSharp.torch.Tensor>.Assembly.Location ]
    load<WganGp.Experiments.Dsl.Experiment> references path "experiment"
    |> Result.bind (fun experiment ->
      match criteriaProblems experiment with
      | _ :: _ as problems -> Error [ for p in problems -> $"{Path.GetFullPath path}: {p}" ]
      | [] ->
        try
            for architecture in architecturesOf experiment do
                WganGp.Core.Registry.Kinds<WganGp.Core.Nets.ArchitectureEntry>.Register(architecture.GetType())
            for grid in experiment.Grids do
                for dataset in grid.Datasets do
                    match dataset with
                    | WganGp.Experiments.Dsl.Real data -> WganGp.Core.Registry.Kinds<WganGp.Core.Data.Formats.DataFormat>.Register(data.Format.GetType())
                    | WganGp.Experiments.Dsl.Toy _ -> ()
            Ok experiment
        with :? ArgumentException as e -> Error [ $"{Path.GetFullPath path}: {e.Message}" ])
