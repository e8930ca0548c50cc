module WganGp.Tests.PlotTests

open System
open System.IO
open Expecto
open WganGp.Experiments

/// Runs f with a fresh directory under the system temp folder, deleted afterwards.
let private inTempDir (f: string -> unit) =
    let dir = Path.Combine(Path.GetTempPath(), "wgangp-plots-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory dir |> ignore
    try f dir finally Directory.Delete(dir, true)

/// Asserts the file is a PNG of the given size: the 8-byte signature, then the IHDR chunk whose
/// big-endian width and height sit at bytes 16-19 and 20-23.
let private expectPng (path: string) (width: int) (height: int) =
    Expect.isTrue (File.Exists path) $"{path} was written"
    let bytes = File.ReadAllBytes path
    Expect.isGreaterThan bytes.Length 24 "file holds more than the PNG header"
    Expect.sequenceEqual bytes.[0..7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] "PNG signature"
    Expect.equal (Text.Encoding.ASCII.GetString(bytes, 12, 4)) "IHDR" "first chunk is IHDR"
    let bigEndian offset = (int bytes.[offset] <<< 24) ||| (int bytes.[offset + 1] <<< 16) ||| (int bytes.[offset + 2] <<< 8) ||| int bytes.[offset + 3]
    Expect.equal (bigEndian 16, bigEndian 20) (width, height) "PNG width and height"

/// A critic-like surface: a smooth bump peaking at (1, -0.5), sampled on an n x n grid over [-e, e]^2.
let private surface title e n : Plots.SurfacePanel =
    let at i = -e + 2.0 * e * (float i + 0.5) / float n
    { Title = title
      Extent = e
      Values = Array2D.init n n (fun iy ix -> -((at ix - 1.0) ** 2.0) - (at iy + 0.5) ** 2.0)
      Points = [| for k in 0..7 -> 1.5 * cos (float k), 1.5 * sin (float k) |] }

let tests =
    testList "plots" [
        test "criticSurfaces writes one PNG with a 400 px cell per panel, creating the directory" {
            inTempDir (fun dir ->
                let path = Path.Combine(dir, "nested", "surfaces.png")
                Plots.criticSurfaces path 2 [ for t in [ "8 Gaussians"; "25 Gaussians"; "Swiss roll" ] -> surface t 2.0 32 ]
                // 3 panels in 2 columns: 2 rows.
                expectPng path 800 800)
        }

        test "layerGradientNorms writes a 400 x 400 PNG" {
            inTempDir (fun dir ->
                let path = Path.Combine(dir, "norms.png")
                Plots.layerGradientNorms path "Gradient norms" [
                    "Weight clipping (c = 0.001)", [| for l in 1..12 -> 10.0 ** (-float l / 2.0) |]
                    "Gradient penalty", Array.replicate 12 1.0 ]
                expectPng path 400 400)
        }

        test "layerGradientNorms skips zero, negative and non-finite norms" {
            inTempDir (fun dir ->
                let path = Path.Combine(dir, "bad-norms.png")
                Plots.layerGradientNorms path "Bad values" [
                    "some bad", [| 1e-3; 0.0; nan; -1.0; infinity; 1e-5 |]
                    "all bad", [| 0.0; nan |]
                    "empty", [||] ]
                expectPng path 400 400)
        }

        test "weightHistograms writes the panels side by side" {
            inTempDir (fun dir ->
                let path = Path.Combine(dir, "weights.png")
                let rng = Random 1
                let clipped = Array.init 1000 (fun _ -> Math.Clamp(rng.NextDouble() * 0.04 - 0.02, -0.01, 0.01))
                let penalty = Array.init 1000 (fun _ -> (rng.NextDouble() - 0.5) * 0.1)
                // Out-of-range, infinite and NaN weights must not crash the binning.
                Plots.weightHistograms path [
                    "Weight clipping", clipped, 0.01
                    "Gradient penalty", Array.append penalty [| 5.0; -5.0; infinity; nan |], 0.05 ]
                expectPng path 800 400)
        }

        test "lines writes a 600 x 400 PNG" {
            inTempDir (fun dir ->
                let path = Path.Combine(dir, "log.png")
                let xs = [| for i in 0..99 -> float i * 10.0 |]
                Plots.lines path "Training log" "Generator iterations" "Critic loss" [
                    "train", xs, xs |> Array.map (fun x -> -exp (-x / 300.0))
                    "validation", xs, xs |> Array.map (fun x -> if x = 500.0 then nan else -0.9 * exp (-x / 300.0)) ]
                expectPng path 600 400)
        }
    ]
