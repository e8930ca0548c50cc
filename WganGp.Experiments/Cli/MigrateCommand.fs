/// `wgangp migrate DIR --script FILE`: run directories of older builds rewritten in the current layout (cell.json the
/// one description of a cell, settings.json the machine and the run); numbers untouched.
module WganGp.Experiments.MigrateCommand

open Argu

type MigrateArgs =
    | [<MainCommand; ExactlyOnce>] Dir of path: string
    | [<Mandatory>] Script of path: string
    | Scale of factor: float
    | Paper
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Dir _ -> "an experiment's results folder written by an older build, e.g. results/toy"
            | Script _ -> "the grid script the folder was run from (its cells are matched by id)"
            | Scale _ -> "the budget scale the folder was run at, as for run (default 1)"
            | Paper -> "the folder was run with --paper"

let run (m: ParseResults<MigrateArgs>) : Cli.Exit =
    Cli.refuse [ Cli.positive "--scale" (m.TryGetResult Scale) ]
    let budget = if m.Contains Paper then Cells.PaperBudget else Cells.Scaled(m.GetResult(Scale, defaultValue = 1.0))
    ScriptLoader.loadExperiment (m.GetResult Script)
    |> Result.bind (Cells.ofExperiment budget)
    |> Result.map (fun cells -> Migration.migrate (m.GetResult Dir) cells |> List.iter (printfn "%s"))
    |> Cli.report
