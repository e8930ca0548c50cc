/// The figure of `wgangp bench profile`: one horizontal bar per cell, its CPU samples stacked by kind of work.
module WganGp.Experiments.ProfilePlot

open System.IO
open ScottPlot

/// Writes the figure to `path`: cells top to bottom, kinds in `kinds`' order and colour, a legend naming every kind.
let save (path: string) (kinds: string list) (cells: (string * Map<string, float>) list) =
    use plot = new Plot()
    let palette = Palettes.Category20()
    let colour i = palette.GetColor i
    let rows = List.length cells
    cells |> List.iteri (fun row (_, shares) ->
        let position = float (rows - 1 - row)
        let mutable start = 0.0
        kinds |> List.iteri (fun i kind ->
            let share = Map.tryFind kind shares |> Option.defaultValue 0.0
            if share > 0.0 then
                let bar = Bar(Position = position, ValueBase = start, Value = start + share, FillColor = colour i, Orientation = Orientation.Horizontal)
                plot.Add.Bar bar |> ignore
                start <- start + share))
    plot.Axes.Left.SetTicks([| for r in 0 .. rows - 1 -> float (rows - 1 - r) |], [| for name, _ in cells -> name |])
    plot.Axes.SetLimits(0.0, 100.0, -0.6, float rows - 0.4)
    plot.XLabel "share of CPU samples (%), both threads"
    plot.Title "Where a training iteration's time goes"
    for i, kind in List.indexed kinds do
        plot.Legend.ManualItems.Add(LegendItem(LabelText = kind, FillColor = colour i))
    plot.ShowLegend Edge.Bottom |> ignore
    match Path.GetDirectoryName(Path.GetFullPath path) with
    | null | "" -> ()
    | dir -> Directory.CreateDirectory dir |> ignore
    let temporary = $"{path}.{System.Environment.ProcessId}.tmp"
    plot.SavePng(temporary, 1400, 220 + 60 * rows) |> ignore
    File.Move(temporary, path, true)
