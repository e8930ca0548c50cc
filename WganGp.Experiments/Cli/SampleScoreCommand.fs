/// `wgangp sample` and `wgangp score`: a trained run's generator, rebuilt from its cell.json and a checkpoint.
module WganGp.Experiments.SampleScoreCommand

open Argu
open WganGp.Experiments.Dsl

let private scriptUsage =
    "the grid script the run came from, when it defines the run's architecture, data format or scorer (the paper's are built in)"

/// Loads the grid script that defines a run's architecture, when given, so its cell.json can be read.
let private defining (script: string option) =
    script |> Option.iter (fun file ->
        match ScriptLoader.loadExperiment file with
        | Ok _ -> ()
        | Error errors -> raise (Cli.UsageError errors))

type SampleArgs =
    | [<MainCommand; ExactlyOnce>] Run_Dir of path: string
    | N of count: int
    | Out of path: string
    | Seed of seed: int
    | Checkpoint of which: string
    | Data_Path of path: string
    | Script of file: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "a run directory (<results root>/<experiment>/<cell id>, e.g. runs/toy/<cell id>)"
            | Script _ -> scriptUsage
            | N _ -> $"samples to draw (default {Defaults.gridImages})"
            | Out _ -> "output: a PNG grid for images, text for the language model, CSV for toys (default samples-<seed>.png/.txt/.csv in the current folder)"
            | Seed _ -> "noise seed (default 0)"
            | Checkpoint _ -> "best, or a checkpoint file (default: the newest)"
            | Data_Path _ -> "language model: where the corpus is now, for its vocabulary"

type ScoreArgs =
    | [<MainCommand; ExactlyOnce>] Run_Dir of path: string
    | Classifier of file: string
    | Inception of file: string
    | Data_Path of path: string
    | N of count: int
    | Seed of seed: int
    | Checkpoint of which: string
    | Script of file: string
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Run_Dir _ -> "a run directory (<results root>/<experiment>/<cell id>, e.g. runs/toy/<cell id>)"
            | Script _ -> scriptUsage
            | Classifier _ -> "real images: score with this classifier (see run --classifier)"
            | Inception _ -> "real images: score with the FID Inception from this state_dict"
            | Data_Path _ -> "real images: where the dataset is now (default: where the run read it)"
            | N _ -> "samples to score (default: as many as the run scored at its end)"
            | Seed _ -> "noise seed (default 0)"
            | Checkpoint _ -> "best, or a checkpoint file (default: the newest)"

/// `wgangp sample`: a PNG grid for images, text for the language model, CSV for toys.
let sample (s: ParseResults<SampleArgs>) : Cli.Exit =
    Cli.refuse [ Cli.atLeast 1 "--n" (s.TryGetResult SampleArgs.N) ]
    let seed = s.GetResult(SampleArgs.Seed, defaultValue = 0)
    defining (s.TryGetResult SampleArgs.Script)
    Cli.printed (
        let runDir = s.GetResult SampleArgs.Run_Dir
        let recipe = CellRecipe.read runDir
        let extension =
            match recipe.Dataset with
            | Real data when data.Format.Data = WganGp.Core.Data.DataKind.Text -> "txt"
            | Real _ -> "png"
            | Toy _ -> "csv"
        let out = s.GetResult(Out, defaultValue = $"samples-{seed}.{extension}")
        TrainedRuns.sample runDir (s.GetResult(SampleArgs.N, defaultValue = Defaults.gridImages)) out seed (s.TryGetResult SampleArgs.Checkpoint) (s.TryGetResult SampleArgs.Data_Path))

/// `wgangp score`: fresh samples scored with the run's own scorers and protocol.
let score (s: ParseResults<ScoreArgs>) : Cli.Exit =
    Cli.refuse [ Cli.atLeast 2 "--n" (s.TryGetResult ScoreArgs.N) ]
    defining (s.TryGetResult ScoreArgs.Script)
    Cli.printed (
        TrainedRuns.score (s.GetResult ScoreArgs.Run_Dir) (s.TryGetResult ScoreArgs.N) (s.GetResult(ScoreArgs.Seed, defaultValue = 0))
            (s.TryGetResult ScoreArgs.Checkpoint)
            { Scoring.none with Classifier = s.TryGetResult ScoreArgs.Classifier; Inception = s.TryGetResult ScoreArgs.Inception }
            (fun d -> s.TryGetResult ScoreArgs.Data_Path |> Option.defaultValue d.Path))
