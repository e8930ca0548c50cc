/// The `wgangp` command.
module WganGp.Experiments.Program

open System
open Argu
open TorchSharp
open WganGp.Experiments.Dsl

type RunArgs =
    | [<MainCommand; ExactlyOnce>] Script of path: string
    | Cells of id_part: string list
    | Scale of factor: float
    | Paper
    | Results of dir: string
    | Device of device: string
    | Threads of count: int
    | No_Figures
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Script _ -> "experiment script (experiments/*.fsx) whose top-level value `experiment` is run"
            | Cells _ -> "run only cells whose id contains one of these strings (see `wgangp plan`)"
            | Scale _ -> "multiply every default iteration budget by this factor (e.g. 0.1 for a smoke run)"
            | Paper -> "use the paper's budgets (100k generator iterations for the toys) instead of the defaults"
            | Results _ -> "results root; the experiment goes to <dir>/<experiment name>/ (default: results)"
            | Device _ -> "torch device: cpu (default) or cuda, cuda:1, ..."
            | Threads _ -> "intra-op CPU threads (default: all cores)"
            | No_Figures -> "train the grid cells only, skip the figures"

type PlanArgs =
    | [<MainCommand; ExactlyOnce>] Script of path: string
    | Cells of id_part: string list
    | Scale of factor: float
    | Paper
    | Results of dir: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Script _ -> "experiment script (experiments/*.fsx)"
            | Cells _ -> "list only cells whose id contains one of these strings"
            | Scale _ -> "iteration scale, as for run (cell ids depend on the budget)"
            | Paper -> "paper budgets, as for run"
            | Results _ -> "results root (default: results)"

type TableArgs =
    | [<MainCommand; ExactlyOnce>] Dir of path: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Dir _ -> "an experiment's results folder, e.g. results/toy"

type Command =
    | [<CliPrefix(CliPrefix.None)>] Run of ParseResults<RunArgs>
    | [<CliPrefix(CliPrefix.None)>] Plan of ParseResults<PlanArgs>
    | [<CliPrefix(CliPrefix.None)>] Table of ParseResults<TableArgs>
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run _ -> "train the cells of an experiment script that are not done yet, make its figures, write its table"
            | Plan _ -> "list an experiment's cells with their ids and whether each is done"
            | Table _ -> "re-aggregate a results folder into summary.md and summary.csv without training"

/// Evaluates a script; compile errors come back with file and line.
let loadExperiment (path: string) =
    let references =
        [ typeof<Experiment>.Assembly.Location
          typeof<WganGp.Core.Methods.Method>.Assembly.Location
          typeof<torch.Tensor>.Assembly.Location ]
    ScriptLoader.load<Experiment> references path "experiment"

let private report =
    function
    | Ok () -> 0
    | Error (errors: string list) ->
        for e in errors do eprintfn $"error: {e}"
        1

let private budget scale paper =
    if paper then Cells.PaperBudget else Cells.Scaled(defaultArg scale 1.0)

let private command () = "wgangp " + String.Join(" ", Environment.GetCommandLineArgs() |> Array.skip 1)

let private options (results: string option) budget select device figures : Runner.Options =
    { ResultsRoot = defaultArg results "results"; Budget = budget; Select = select; Device = device
      Figures = figures; Command = command () }

[<EntryPoint>]
let main argv =
    let parser = ArgumentParser.Create<Command>(programName = "wgangp", errorHandler = ProcessExiter())
    let args = parser.ParseCommandLine argv
    match args.GetSubCommand() with
    | Run r ->
        torch.set_num_threads (r.GetResult(Threads, defaultValue = Environment.ProcessorCount))
        let opts =
            options (r.TryGetResult RunArgs.Results) (budget (r.TryGetResult RunArgs.Scale) (r.Contains RunArgs.Paper))
                (r.GetResult(RunArgs.Cells, defaultValue = [])) (r.GetResult(Device, defaultValue = "cpu")) (not (r.Contains No_Figures))
        loadExperiment (r.GetResult RunArgs.Script) |> Result.bind (Runner.run opts) |> report
    | Plan p ->
        let opts =
            options (p.TryGetResult PlanArgs.Results) (budget (p.TryGetResult PlanArgs.Scale) (p.Contains PlanArgs.Paper))
                (p.GetResult(PlanArgs.Cells, defaultValue = [])) "cpu" false
        loadExperiment (p.GetResult PlanArgs.Script)
        |> Result.bind (Runner.plan opts)
        |> Result.map (List.iter (printfn "%s"))
        |> report
    | Table t -> Runner.table (t.GetResult Dir) (command ()) [] |> Result.map (printfn "%s") |> Result.mapError List.singleton |> report
