/// The `wgangp` command: its subcommands, each handled by its own module under Commands/.
module WganGp.Experiments.Program

open Argu
open WganGp.Experiments.RunCommand
open WganGp.Experiments.SampleScoreCommand
open WganGp.Experiments.DataCommand
open WganGp.Experiments.BenchCommand
open WganGp.Experiments.ListCommand

type Command =
    | [<CliPrefix(CliPrefix.None)>] Run of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Sample of ParseResults<SampleArgs>
    | [<CliPrefix(CliPrefix.None)>] Score of ParseResults<ScoreArgs>
    | [<CliPrefix(CliPrefix.None)>] Plan of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Table of ParseResults<TableArgs>
    | [<CliPrefix(CliPrefix.None)>] Compare of ParseResults<CompareCommand.CompareArgs>
    | [<CliPrefix(CliPrefix.None)>] Migrate of ParseResults<MigrateCommand.MigrateArgs>
    | [<CliPrefix(CliPrefix.None)>] Submit of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Data of ParseResults<InspectArgs>
    | [<CliPrefix(CliPrefix.None)>] Bench of ParseResults<BenchArgs>
    | [<CliPrefix(CliPrefix.None)>] List of ParseResults<ListArgs>
    | [<CliPrefix(CliPrefix.None)>] Classifier of ParseResults<ClassifierCommand.ClassifierArgs>
    | [<CliPrefix(CliPrefix.None)>] Doctor of ParseResults<Doctor.DoctorArgs>
    | [<Inherit>] Verbose
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Doctor _ -> "check every convolution shape of the grid scripts on this CPU (float32 against float64) and the route around faulty ones"
            | Verbose -> "after an error line, print the .NET stack trace too, for bug reports (also: WGANGP_VERBOSE=1)"
            | Classifier _ -> "train or describe the dataset classifier behind classifier-IS/FID/KID (Fashion-MNIST, MNIST)"
            | List _ -> "the paper's architectures by name, with their source and parameter counts"
            | Sample _ -> "draw samples from a run's checkpoint (no grid script needed)"
            | Score _ -> "score fresh samples from a run's checkpoint with its dataset's scorers"
            | Bench _ -> "benchmarks (not tests): print measurements side by side from one run"
            | Data _ -> "open a dataset as training would and report its size, shape, read speed, values and skipped items"

            | Run _ -> "train the cells of an experiment script that are not done yet, make its figures, write its table"
            | Plan _ -> "list the cells a run (or submit) command line would train: ids, budgets, optimisers, whether each is done"
            | Table _ -> "re-aggregate a results folder into summary.md and summary.csv without training"
            | Compare _ -> "compare an experiment's run directories with the published ones, bit for bit (what run prints at its end)"
            | Migrate _ -> "rewrite run directories of older builds in the current layout (cell.json describes the cell); numbers untouched"
            | Submit _ -> "submit the unfinished cells and figures to a Slurm cluster as a job array (`wgangp table` afterwards)"

/// Dispatches to the command's module; its errors are handled by Cli.guard (exit 1, or 2 for refused flag values).
let private execute (args: ParseResults<Command>) : Cli.Exit =
    match args.GetSubCommand() with
    | Run r -> RunCommand.run r
    | Plan p -> RunCommand.plan p
    | Submit s -> RunCommand.submit s
    | Table t -> RunCommand.table t
    | Compare c -> CompareCommand.run c
    | Migrate m -> MigrateCommand.run m
    | Sample s -> SampleScoreCommand.sample s
    | Score s -> SampleScoreCommand.score s
    | Data d -> DataCommand.run d
    | Bench b -> BenchCommand.run b
    | List l -> ListCommand.run l
    | Classifier c -> ClassifierCommand.run c
    | Doctor d -> Doctor.run ScriptLoader.loadExperiment d
    | Verbose -> raise (Cli.UsageError [ "say which command to run: wgangp --help lists them" ])

[<EntryPoint>]
let main argv =
    // libtorch's repeated native warnings (NNPACK on CPUs it does not support) never reach the terminal.
    if WganGp.Core.Numerics.LibtorchLog.HideWarnings() && Cli.isVerbose argv then
        eprintfn "libtorch: its warnings are hidden (on this CPU NNPACK may repeat 'Could not initialize NNPACK! Reason: Unsupported hardware.')"
    Cli.guard argv (fun () ->
        match Cli.parse<Command> "wgangp" argv with
        | Ok args -> execute args
        | Error code -> code)
