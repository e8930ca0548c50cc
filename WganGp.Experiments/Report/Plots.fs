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

// Figures of panels (Figure 3, the small multiples of a grid's curves, the losses): each panel drawn by ScottPlot, laid
// out with a title, notes and one key for the whole figure, so a line's colour means the same thing in every panel and
// no legend is cut short by a panel's width.

/// A line of a panel: one run, or the mean of a run kind's seeds with the band they span (Band: low and high at each x).
type Line = { Label: string; Colour: Color; Xs: float[]; Ys: float[]; Band: (float[] * float[]) option }

/// A horizontal reference line of a panel (real data, a threshold, a claim's level), dashed.
type Rule = { Label: string; Colour: Color; Y: float }

/// One panel: its own axes and x range. `LogY`, `LogX`: that axis is logarithmic (values that are not positive are left
/// out).
type Panel = { Title: string; XLabel: string; YLabel: string; LogY: bool; LogX: bool; Lines: Line list; Rules: Rule list }

/// How a key entry is drawn: a line, a dashed line (a rule) or a filled band.
type KeyStyle =
    | Solid
    | Dashed
    | Band

type KeyEntry = { Label: string; Colour: Color; Style: KeyStyle }

/// A figure: a title, lines of notes (what the lines and bands are), one key, and its panels in `Columns` columns,
/// each `PanelSize` pixels (width, height).
type Figure = { Title: string; Notes: string list; Key: KeyEntry list; Columns: int; PanelSize: int * int; Panels: Panel list }

/// Pixel size of one panel of small multiples; Figure 3's two panels are larger.
let smallPanel, largePanel = (480, 360), (640, 480)

/// Ticks for a log axis spanning [lo, hi] (values, not logarithms): every integer multiple of the decade when the span
/// is under one decade (so a narrow axis still gets labels), 1, 2, 5 × 10^k up to four decades, the decades beyond;
/// positions are log10 of the values.
let logTicks (lo: float) (hi: float) : (float * string) list =
    if not (lo > 0.0 && hi >= lo && isFinite lo && isFinite hi) then []
    else
        let decades = log10 (hi / lo)
        let steps = if decades < 1.0 then [ 1.0 .. 9.0 ] elif decades <= 4.0 then [ 1.0; 2.0; 5.0 ] else [ 1.0 ]
        let label (v: float) = if v >= 1.0 then v.ToString("0.###", Globalization.CultureInfo.InvariantCulture) else v.ToString("0.####", Globalization.CultureInfo.InvariantCulture)
        [ for k in int (floor (log10 lo)) .. int (ceil (log10 hi)) do
              for s in steps do
                  let v = s * 10.0 ** float k
                  if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) then log10 v, label v ]

/// A value as drawn on an axis: log10 on a log axis (NaN for a value that is not positive).
let private drawn (logAxis: bool) (v: float) = if logAxis then (if v > 0.0 then log10 v else nan) else v

let private drawnY (panel: Panel) = drawn panel.LogY
let private drawnX (panel: Panel) = drawn panel.LogX

/// A panel's axis limits (left, right, bottom, top; as drawn, log10 on a log axis): its own lines' x range and the
/// y range of its lines, bands and rules (so a real-data line far below the curves is on it), with a margin of 4 %;
/// None without a finite point.
let panelLimits (panel: Panel) =
    let y = drawnY panel
    let xs = panel.Lines |> List.collect (fun l -> List.ofArray l.Xs) |> List.map (drawnX panel) |> List.filter isFinite
    let ys =
        [ for l in panel.Lines do
              yield! l.Ys
              match l.Band with
              | Some (low, high) -> yield! low; yield! high
              | None -> ()
          for r in panel.Rules -> r.Y ]
        |> List.map y |> List.filter isFinite
    if xs.IsEmpty || ys.IsEmpty then None
    else
        let x0, x1 = List.min xs, List.max xs
        let y0, y1 = List.min ys, List.max ys
        let pad lo hi = let d = (if hi > lo then hi - lo else max (abs lo) 1.0) * 0.04 in lo - d, hi + d
        let left, right = if x1 > x0 then pad x0 x1 else x0 - 1.0, x1 + 1.0
        let bottom, top = pad y0 y1
        Some(left, right, bottom, top)

/// A log x axis's ticks (position log10 x, label): the lines' own x values when they are a few (a grid of batch sizes
/// reads best labelled by itself), else `logTicks` over [lo, hi].
let logXTicks (panel: Panel) (lo: float) (hi: float) =
    let xs = panel.Lines |> List.collect (fun l -> List.ofArray l.Xs) |> List.filter (fun x -> x > 0.0 && isFinite x) |> List.distinct |> List.sort
    if xs.Length >= 2 && xs.Length <= 12 then [ for x in xs -> log10 x, x.ToString("0.####", Globalization.CultureInfo.InvariantCulture) ]
    else logTicks lo hi

let private panelPlot (panel: Panel) =
    let plot = new Plot()
    let y, x = drawnY panel, drawnX panel
    let ok (x: float) (v: float) = isFinite x && isFinite v
    for line in panel.Lines do
        match line.Band with
        | Some (low, high) ->
            let points = Array.zip3 (Array.map x line.Xs) (Array.map y low) (Array.map y high) |> Array.filter (fun (x, a, b) -> ok x a && isFinite b)
            if points.Length > 1 then
                let xs, lows, highs = Array.unzip3 points
                let fill = plot.Add.FillY(xs, lows, highs)
                fill.FillColor <- line.Colour.WithAlpha(0.18)
                fill.LineWidth <- 0.0f
        | None -> ()
        let points = Array.zip (Array.map x line.Xs) (Array.map y line.Ys) |> Array.filter (fun (x, v) -> ok x v)
        let scatter = plot.Add.ScatterLine(Array.map fst points, Array.map snd points)
        scatter.Color <- line.Colour
        scatter.LineWidth <- 1.5f
        // A single evaluation is a point, not a line: show it.
        scatter.MarkerSize <- (if points.Length = 1 then 5.0f else 0.0f)
    for rule in panel.Rules |> List.filter (fun r -> isFinite (y r.Y)) do
        let h = plot.Add.HorizontalLine(y rule.Y)
        h.LineColor <- rule.Colour
        h.LinePattern <- LinePattern.Dashed
        h.LineWidth <- 1.5f
    match panelLimits panel with
    | Some (left, right, bottom, top) ->
        plot.Axes.SetLimits(left, right, bottom, top)
        let setTicks (axis: IAxis) (ticks: (float * string) list) =
            axis.SetTicks(ticks |> List.map fst |> Array.ofList, ticks |> List.map snd |> Array.ofList)
        if panel.LogY then setTicks plot.Axes.Left (logTicks (10.0 ** bottom) (10.0 ** top))
        if panel.LogX then setTicks plot.Axes.Bottom (logXTicks panel (10.0 ** left) (10.0 ** right))
    | None -> ()
    plot.Title panel.Title
    plot.Axes.Title.Label.FontSize <- 15.0f
    plot.XLabel(if panel.LogX then panel.XLabel + " (log scale)" else panel.XLabel)
    plot.YLabel(if panel.LogY then panel.YLabel + " (log scale)" else panel.YLabel)
    plot.Axes.Bottom.Label.FontSize <- 13.0f
    plot.Axes.Left.Label.FontSize <- 13.0f
    plot

let private skColour (c: Color) = SkiaSharp.SKColor(c.R, c.G, c.B, c.A)

/// A note broken into lines at spaces so each fits `width` pixels in the font.
let private wrap (font: SkiaSharp.SKFont) (width: float32) (note: string) : string list =
    let words = note.Split(' ', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray
    let lines, last =
        words |> List.fold (fun (lines, current: string) word ->
            let candidate = if current = "" then word else current + " " + word
            if font.MeasureText candidate > width && current <> "" then lines @ [ current ], word else lines, candidate) ([], "")
    if last = "" then lines else lines @ [ last ]

/// Writes the figure as one PNG: the title and notes, the key (flowing over as many rows as it needs), then the panels
/// row by row.
let figure (path: string) (f: Figure) : unit =
    if f.Panels.IsEmpty then invalidArg (nameof f) "a figure needs at least one panel"
    let columns = max 1 (min f.Columns f.Panels.Length)
    let rows = (f.Panels.Length + columns - 1) / columns
    let panelWidth, panelHeight = f.PanelSize
    let width = max 900 (columns * panelWidth)
    use titleFont = new SkiaSharp.SKFont(SkiaSharp.SKTypeface.Default, 19.0f)
    use font = new SkiaSharp.SKFont(SkiaSharp.SKTypeface.Default, 15.0f)
    use ink = new SkiaSharp.SKPaint(Color = SkiaSharp.SKColors.Black, IsAntialias = true)
    let margin, lineHeight, sample = 12.0f, 22.0f, 34.0f
    // The key's entries flow left to right and wrap at the figure's width.
    let placed =
        let mutable x, row = margin, 0
        [ for e in f.Key ->
              let w = sample + 6.0f + font.MeasureText e.Label + 22.0f
              if x + w > float32 width - margin && x > margin then
                  x <- margin
                  row <- row + 1
              let at = x, row
              x <- x + w
              e, at ]
    let keyRows = if placed.IsEmpty then 0 else (placed |> List.map (snd >> snd) |> List.max) + 1
    let titleLines = wrap titleFont (float32 width - 2.0f * margin) f.Title
    // The title's lines after the first push everything below them down.
    let titleExtra = 26.0f * float32 (max 0 (titleLines.Length - 1))
    let notes = f.Notes |> List.collect (wrap font (float32 width - 2.0f * margin))
    let header = margin + 26.0f + titleExtra + lineHeight * float32 notes.Length + lineHeight * float32 keyRows + margin
    let height = int header + rows * panelHeight
    use bitmap = new SkiaSharp.SKBitmap(width, height)
    using (new SkiaSharp.SKCanvas(bitmap)) (fun canvas ->
        canvas.Clear SkiaSharp.SKColors.White
        titleLines |> List.iteri (fun i line -> canvas.DrawText(line, margin, margin + 19.0f + 26.0f * float32 i, titleFont, ink))
        let notesTop = margin + 26.0f + titleExtra
        notes |> List.iteri (fun i note -> canvas.DrawText(note, margin, notesTop + lineHeight * float32 (i + 1) - 5.0f, font, ink))
        let keyTop = notesTop + lineHeight * float32 notes.Length
        for e, (x, row) in placed do
            let mid = keyTop + lineHeight * float32 row + lineHeight / 2.0f
            use paint = new SkiaSharp.SKPaint(Color = skColour e.Colour, IsAntialias = true, StrokeWidth = 2.5f)
            match e.Style with
            | Solid -> canvas.DrawLine(x, mid, x + sample, mid, paint)
            | Dashed ->
                use dashed = new SkiaSharp.SKPaint(Color = skColour e.Colour, IsAntialias = true, StrokeWidth = 2.5f,
                                                   PathEffect = SkiaSharp.SKPathEffect.CreateDash([| 6.0f; 4.0f |], 0.0f))
                canvas.DrawLine(x, mid, x + sample, mid, dashed)
            | Band ->
                use fill = new SkiaSharp.SKPaint(Color = skColour (e.Colour.WithAlpha 0.25), IsAntialias = true)
                canvas.DrawRect(SkiaSharp.SKRect(x, mid - 7.0f, x + sample, mid + 7.0f), fill)
            canvas.DrawText(e.Label, x + sample + 6.0f, mid + 5.0f, font, ink)
        f.Panels |> List.iteri (fun i panel ->
            use plot = panelPlot panel
            let bytes = plot.GetImageBytes(panelWidth, panelHeight, ImageFormat.Png)
            use image = SkiaSharp.SKBitmap.Decode bytes
            canvas.DrawBitmap(image, float32 (i % columns * panelWidth), header + float32 (i / columns * panelHeight))))
    ensureParent path
    use data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100)
    // Written beside the target and renamed over it, so a reader never sees half a figure.
    let temporary = $"{path}.{Guid.NewGuid():N}.tmp"
    File.WriteAllBytes(temporary, data.ToArray())
    File.Move(temporary, path, true)
