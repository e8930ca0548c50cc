/// The `wgangp` error contract: every command, on every bad input, prints `error: <message>` on stderr (the message
/// names the file, flag or value and what was expected) and exits 1, or 2 for usage errors (Argu's own, and flag values
/// refused before any work). No exception leaves `main`; `--verbose` or WGANGP_VERBOSE=1 adds the .NET stack trace.
module WganGp.Experiments.Cli

open System
open System.Reflection
open Argu

/// Exit codes of the contract.
[<RequireQualifiedAccess>]
type Exit =
    | Ok
    | Error
    | Usage
    | Interrupted

    member e.Code =
        match e with
        | Ok -> 0
        | Error -> 1
        | Usage -> 2
        | Interrupted -> 130

/// Command-line values refused before any work: each message names the flag, the value and what was expected.
exception UsageError of messages: string list

/// Whether the user asked for stack traces: `--verbose` anywhere on the command line, or WGANGP_VERBOSE=1 in the
/// environment. Safe to call before anything else (it reads only its arguments and the environment).
let isVerbose (argv: string array) =
    Array.contains "--verbose" argv || Environment.GetEnvironmentVariable "WGANGP_VERBOSE" = "1"

/// The message that says what went wrong: wrappers (a type initialiser, one aggregated task error, a reflection call)
/// are looked through.
let rec messageOf (e: exn) =
    match e with
    | :? AggregateException as a when a.InnerExceptions.Count = 1 -> messageOf a.InnerExceptions.[0]
    | :? TypeInitializationException | :? TargetInvocationException when not (isNull e.InnerException) ->
        messageOf (nonNull e.InnerException)
    | _ -> e.Message

/// Prints `error: <message>` for an exception; the stack trace follows when verbose.
let printError (verbose: bool) (e: exn) =
    eprintfn "error: %s" (messageOf e)
    if verbose then eprintfn "%O" e

/// Refuses the flag values that failed their checks (None: the value is fine) with a usage error.
let refuse (checks: string option list) =
    match List.choose id checks |> List.distinct with
    | [] -> ()
    | problems -> raise (UsageError problems)

/// `flag` must be at least `least` when given.
let atLeast (least: int) (flag: string) (value: int option) =
    match value with
    | Some v when v < least -> Some $"{flag} {v}: expected a whole number of at least {least}"
    | _ -> None

/// `flag` must be a positive, finite number when given.
let positive (flag: string) (value: float option) =
    match value with
    | Some v when not (v > 0.0 && Double.IsFinite v) -> Some $"{flag} {v}: expected a positive number"
    | _ -> None

/// `flag` must be one of `allowed` when given.
let oneOf (allowed: 'a list) (flag: string) (value: 'a option) =
    match value with
    | Some v when not (List.contains v allowed) ->
        let listed = String.Join(", ", allowed)
        Some $"{flag} {v}: expected one of {listed}"
    | _ -> None

/// The libtorch backend this build was made with (Directory.Build.props' TorchBackend: cpu or cuda).
let torchBackend =
    typeof<WganGp.Core.Methods.Method>.Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    |> Seq.tryFind (fun a -> a.Key = "TorchBackend")
    |> Option.bind (fun a -> Option.ofObj a.Value)
    |> Option.defaultValue "cpu"

/// `--device`: cpu, cuda or cuda:N; CUDA only on a CUDA build with a visible device (checked once, before any cell).
let device (flag: string) (value: string option) =
    match value with
    | None | Some "cpu" -> None
    | Some d when d = "cuda" || d.StartsWith "cuda:" ->
        let index =
            if d = "cuda" then Some 0
            else match Int32.TryParse(d.Substring 5) with | true, i when i >= 0 -> Some i | _ -> None
        match index with
        | None -> Some $"{flag} {d}: expected cpu, cuda or cuda:N with N a device index"
        | Some _ when torchBackend <> "cuda" ->
            Some $"{flag} {d}: this wgangp was built with the CPU backend of libtorch; rebuild it with -p:TorchBackend=cuda (dotnet build -c Release -p:TorchBackend=cuda) on a machine with CUDA"
        | Some _ when not (TorchSharp.torch.cuda.is_available ()) -> Some $"{flag} {d}: libtorch sees no CUDA device on this machine"
        | Some i when i >= TorchSharp.torch.cuda.device_count () ->
            Some $"{flag} {d}: this machine has {TorchSharp.torch.cuda.device_count ()} CUDA devices (0..{TorchSharp.torch.cuda.device_count () - 1})"
        | Some _ -> None
    | Some d -> Some $"{flag} {d}: expected cpu, cuda or cuda:N"

/// `flag` names a precision (float32 or bf16) that this machine computes natively on `device` (bf16 on a CPU needs
/// avx512_bf16 or AMX: elsewhere oneDNN emulates it, slower than float32).
let precision (flag: string) (device: string option) (value: string option) =
    match value with
    | None -> None
    | Some name ->
        match WganGp.Core.Numerics.PrecisionNames.TryParse name with
        | false, _ ->
            let choices = String.Join(", ", WganGp.Core.Numerics.PrecisionNames.All)
            Some $"{flag} {name}: expected one of {choices}"
        | true, p ->
            WganGp.Core.Numerics.ConvPrecision.Unsupported(p, TorchSharp.torch.Device(defaultArg device "cpu"))
            |> Option.ofObj
            |> Option.map (fun why -> $"{flag} {name}: {why}; leave --precision out")

/// Argu's message for a refused command line, without its own "ERROR: " prefix (the contract's `error: ` replaces it).
let private arguMessage (e: ArguParseException) =
    let text = e.Message.Trim()
    if text.StartsWith("ERROR: ", StringComparison.Ordinal) then text.Substring 7 else text

/// Parses the command line; Argu's errors are usage errors (`error: ...` then the usage, exit 2) and `--help` prints the
/// usage (exit 0). Ok: the parsed arguments; Error: the exit code to end with.
let parse<'T when 'T :> IArgParserTemplate> (programName: string) (argv: string array) : Result<ParseResults<'T>, Exit> =
    let parser = ArgumentParser.Create<'T>(programName = programName)
    try
        Result.Ok(parser.ParseCommandLine argv)
    with :? ArguParseException as e ->
        if e.ErrorCode = ErrorCode.HelpText then
            printfn "%s" e.Message
            Result.Error Exit.Ok
        else
            eprintfn "error: %s" (arguMessage e)
            Result.Error Exit.Usage

/// Runs a command's body under the contract: a usage error exits 2, a cancellation 130, any other exception prints
/// `error: <message>` (and the trace when verbose) and exits 1. Nothing escapes as an unhandled exception.
let guard (argv: string array) (body: unit -> Exit) : int =
    let verbose = isVerbose argv
    // An exception on another thread (a finalizer, a worker) would abort the process (exit 134): report it as an error.
    AppDomain.CurrentDomain.UnhandledException.Add(fun e ->
        match e.ExceptionObject with
        | :? exn as ex -> printError verbose ex
        | other -> eprintfn "error: %O" other
        exit Exit.Error.Code)
    let code =
        try
            body ()
        with
        | UsageError problems ->
            for p in problems do eprintfn "error: %s" p
            Exit.Usage
        | :? ArguParseException as e ->
            eprintfn "error: %s" (arguMessage e)
            Exit.Usage
        | :? OperationCanceledException ->
            eprintfn "interrupted: rerun the same command to resume"
            Exit.Interrupted
        | e ->
            printError verbose e
            Exit.Error
    code.Code

/// Ends a command that returns its errors: each printed as `error: …` on stderr, exit 1.
let report =
    function
    | Ok () -> Exit.Ok
    | Error (errors: string list) ->
        for e in errors do eprintfn $"error: {e}"
        Exit.Error

/// Prints a command's result lines.
let printed (lines: string list) =
    lines |> List.iter (printfn "%s")
    Exit.Ok

/// The command line as typed, written beside results and reports so they can be made again.
let commandLine () = "wgangp " + String.Join(" ", Environment.GetCommandLineArgs() |> Array.skip 1)

/// Writes a benchmark's report lines to a file, headed by the command that made them.
let writeReport (file: string option) (lines: string list) =
    file |> Option.iter (fun file ->
        match IO.Path.GetDirectoryName(IO.Path.GetFullPath file) with
        | null -> ()
        | dir -> IO.Directory.CreateDirectory dir |> ignore
        let made = DateTime.UtcNow.ToString "yyyy-MM-dd"
        IO.File.WriteAllLines(file, [ $"Produced by `{commandLine ()}` on {made}."; "" ] @ lines))

/// The repository (the folder holding WganGp.sln) above the current directory, or the current directory.
let repositoryRoot () =
    let rec up (dir: IO.DirectoryInfo | null) =
        match dir with
        | null -> Environment.CurrentDirectory
        | d when IO.File.Exists(IO.Path.Combine(d.FullName, "WganGp.sln")) -> d.FullName
        | d -> up d.Parent
    up (IO.DirectoryInfo Environment.CurrentDirectory)
