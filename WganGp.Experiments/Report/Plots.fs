/// PNG figures drawn with ScottPlot 5: the panels of Figure 1 of "Improved Training of Wasserstein GANs"
/// (critic surfaces, per-layer gradient norms, weight histograms) and a plain line chart for training logs.
module WganGp.Experiments.Plots

open System
open System.IO
open ScottPlot

/// One panel of critic values over a square grid [-Extent, Extent]^2, Values.[iy, ix] with row 0 at y = -Extent.
type SurfacePanel = { Title: string; Extent: float; Values: float[,]; Points: (float * float)[] }

/// Pixel size of one sub-panel, in both directions.
let private panelPx = 400

let private isFinite (v: float) = not (Double.IsNaN v || Double.IsInfinity v)

let private ensureParent (path: string) =
    match Path.GetDirectoryName(Path.GetFullPath path) with
    | null | "" -> ()
    | dir -> Directory.CreateDirectory dir |> ignore

/// Writes the plots into one PNG as a grid of panelPx-square cells, filled row by row.
let private saveGrid (path: string) (columns: int) (plots: Plot list) =
    let rows = (plots.Length + columns - 1) / columns
    let multiplot = Multiplot(List.head plots)
    for plot in List.tail plots do
        multiplot.AddPlot plot
    multiplot.Layout <- MultiplotLayouts.Grid(rows, columns)
    ensureParent path
    multiplot.SavePng(path, columns * panelPx, rows * panelPx) |> ignore
    for plot in plots do
        plot.Dispose()

let private save (path: string) (width: int) (height: int) (plot: Plot) =
    ensureParent path
    plot.SavePng(path, width, height) |> ignore
    plot.Dispose()

let private surfacePlot (panel: SurfacePanel) =
    let plot = new Plot()
    let e = panel.Extent
    let heatmap = plot.Add.Heatmap panel.Values
    // ScottPlot draws row 0 at the top by default; our row 0 is y = -Extent (the bottom).
    heatmap.FlipVertically <- true
    // Rectangle (unlike Extent/Position, which place cell centres) makes the outer cell edges span exactly the square.
    heatmap.Rectangle <- Nullable(CoordinateRect(-e, e, -e, e))
    heatmap.Smooth <- true
    // Thin contour lines over the colour map give the contour look of the paper's figure.
    let ny, nx = Array2D.length1 panel.Values, Array2D.length2 panel.Values
    let values = Seq.cast<float> panel.Values |> Array.ofSeq
    if nx > 1 && ny > 1 && Array.forall isFinite values then
        // Contour points at the heatmap's cell centres.
        let dx, dy = 2.0 * e / float nx, 2.0 * e / float ny
        let grid =
            Array2D.init ny nx (fun iy ix -> Coordinates3d(-e + (float ix + 0.5) * dx, -e + (float iy + 0.5) * dy, panel.Values.[iy, ix]))
        let lo, hi = Array.min values, Array.max values
        // Explicit levels: ScottPlot's default levels include the min and max, which draw stray specks at the extremes.
        let contours = Plottables.ContourLines(ContourLineLevels = [| for k in 1..9 -> lo + (hi - lo) * float k / 10.0 |])
        contours.Update grid
        contours.LineColor <- Colors.White.WithAlpha(0.5)
        contours.LabelStyle.IsVisible <- false
        plot.Add.Plottable contours |> ignore
    let xs = panel.Points |> Array.map fst
    let ys = panel.Points |> Array.map snd
    plot.Add.Markers(xs, ys, MarkerShape.FilledCircle, 4.0f, Colors.OrangeRed) |> ignore
    plot.Axes.SetLimits(-e, e, -e, e)
    plot.Title panel.Title
    plot

/// Figure 1a: a grid of heatmaps of the critic's value with the real points drawn on top as small dots.
/// The PNG is columns * 400 px wide and ceil(panels / columns) * 400 px tall.
let criticSurfaces (path: string) (columns: int) (panels: SurfacePanel list) : unit =
    if columns < 1 then invalidArg (nameof columns) "need at least one column"
    if List.isEmpty panels then invalidArg (nameof panels) "need at least one panel"
    panels |> List.map surfacePlot |> saveGrid path (min columns panels.Length)

/// Figure 1b: one line per series (label, norms) where norms.[i] is the gradient norm at layer i+1 (layer 1 = input side),
/// on a log10 y axis, with the highest layer on the left like the paper. Norms that are 0, negative or non-finite are skipped.
/// The PNG is 400 x 400 px.
let layerGradientNorms (path: string) (title: string) (series: (string * float[]) list) : unit =
    let plot = new Plot()
    // ScottPlot has no log axis: plot log10 of the norms and label the ticks as powers of ten.
    let logged =
        [ for label, norms in series ->
            let points = norms |> Array.mapi (fun i n -> float (i + 1), n) |> Array.filter (fun (_, n) -> n > 0.0 && isFinite n)
            label, Array.map fst points, Array.map (snd >> log10) points ]
    for label, layers, logs in logged do
        let scatter = plot.Add.Scatter(layers, logs)
        scatter.LegendText <- label
    let layerCount = series |> List.map (snd >> Array.length) |> List.fold max 1
    plot.Axes.Bottom.SetTicks([| for l in 1 .. layerCount -> float l |], [| for l in 1 .. layerCount -> string l |])
    plot.Axes.Left.TickGenerator <-
        TickGenerators.NumericAutomatic(
            IntegerTicksOnly = true,
            LabelFormatter = (fun y -> $"1e{int (Math.Round y)}"),
            MinorTickGenerator = TickGenerators.LogMinorTickGenerator())
    // Show at least one decade (so at least one labelled tick) plus a margin, so points never sit on the frame.
    let allLogs = logged |> List.collect (fun (_, _, logs) -> List.ofArray logs)
    let bottom, top =
        if allLogs.IsEmpty then -1.0, 1.0
        else
            let lo, hi = List.min allLogs, List.max allLogs
            let half = 0.55 * max (hi - lo) 1.0
            (lo + hi) / 2.0 - half, (lo + hi) / 2.0 + half
    // left > right reverses the x axis: layer 1 (the input side) ends up on the right.
    plot.Axes.SetLimits(float layerCount + 0.5, 0.5, bottom, top)
    plot.Title title
    plot.XLabel "Discriminator layer"
    plot.YLabel "Gradient norm (log scale)"
    // Legend below the axes: any spot inside the data area could hide a line.
    plot.ShowLegend Edge.Bottom |> ignore
    save path panelPx panelPx plot

/// Number of histogram bins over [-halfRange, halfRange].
let private binCount = 50

let private histogramPlot (title: string, weights: float[], halfRange: float) =
    let plot = new Plot()
    let width = 2.0 * halfRange / float binCount
    let counts = Array.zeroCreate<float> binCount
    for w in weights do
        if not (Double.IsNaN w) then
            // Clamping sends weights outside [-halfRange, halfRange] (infinities included) to the edge bins.
            let bin = Math.Clamp(floor ((w + halfRange) / width), 0.0, float (binCount - 1))
            counts.[int bin] <- counts.[int bin] + 1.0
    let centres = Array.init binCount (fun i -> -halfRange + (float i + 0.5) * width)
    let bars = plot.Add.Bars(centres, counts)
    for bar in bars.Bars do
        bar.Size <- width
        bar.LineWidth <- 0.0f
    plot.Axes.SetLimits(-halfRange, halfRange, 0.0, 1.05 * max 1.0 (Array.max counts))
    plot.Title title
    plot.XLabel "Weight"
    plot.YLabel "Count"
    plot

/// Figure 1c: weight histograms side by side, one panel per (title, weights, halfRange), 50 bins over
/// [-halfRange, halfRange]; weights outside the range go to the edge bins, NaNs are dropped.
/// The PNG is panels * 400 px wide and 400 px tall.
let weightHistograms (path: string) (panels: (string * float[] * float) list) : unit =
    if List.isEmpty panels then invalidArg (nameof panels) "need at least one panel"
    if panels |> List.exists (fun (_, _, h) -> not (h > 0.0 && isFinite h)) then
        invalidArg (nameof panels) "halfRange must be positive and finite"
    panels |> List.map histogramPlot |> saveGrid path panels.Length

/// Line chart of a training log: one line per (name, xs, ys), xs and ys of equal length; points with a non-finite
/// coordinate are skipped.
/// The PNG is 600 x 400 px (wider than a panel: training curves are long).
let lines (path: string) (title: string) (xLabel: string) (yLabel: string) (series: (string * float[] * float[]) list) : unit =
    let plot = new Plot()
    for name, xs, ys in series do
        let points = Array.zip xs ys |> Array.filter (fun (x, y) -> isFinite x && isFinite y)
        let line = plot.Add.ScatterLine(Array.map fst points, Array.map snd points)
        line.LegendText <- name
    plot.Title title
    plot.XLabel xLabel
    plot.YLabel yLabel
    plot.ShowLegend Edge.Bottom |> ignore
    save path (3 * panelPx / 2) panelPx plot
