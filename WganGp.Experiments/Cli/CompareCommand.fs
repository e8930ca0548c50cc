/// `wgangp compare`: an experiment folder against a published one, bit for bit (what `wgangp run` prints at its end;
/// for runs made by Slurm tasks, which end without it, or against another published folder).
module WganGp.Experiments.CompareCommand

open System.IO
open Argu

type CompareArgs =
    | [<MainCommand; ExactlyOnce>] Dir of path: string
    | With of published: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Dir _ -> $"an experiment's folder of run directories, e.g. {Defaults.runsRoot}/toy"
            | With _ -> $"the published folder to compare with (default: {Defaults.publishedRoot}/<the folder's name>)"

/// `wgangp compare <dir> [--with <published dir>]`: prints the comparison; exit 0 when every cell both folders hold
/// and every figure data file is identical, 1 when one differs or none is shared.
let run (c: ParseResults<CompareArgs>) : Cli.Exit =
    let here = c.GetResult Dir
    let published =
        c.GetResult(With, defaultValue = Path.Combine(Defaults.publishedRoot, Path.GetFileName(Path.TrimEndingDirectorySeparator here) |> nonNull))
    let missing = [ for d in [ here; published ] do if not (Directory.Exists d) then $"{d}: no such folder" ]
    if not missing.IsEmpty then Cli.report (Error missing)
    else
        let ids = Compare.runDirectories here
        let comparison = Compare.experiment here published ids Figures.dataFiles
        Compare.lines comparison |> List.iter (printfn "%s")
        if Compare.identical comparison then Cli.Exit.Ok
        elif comparison.Cells.IsEmpty then
            Cli.report (Error [ $"none of the {ids.Length} run directories of {here} is in {published}: nothing compared" ])
        else Cli.report (Error [ $"{here} differs from {published} (above)" ])
