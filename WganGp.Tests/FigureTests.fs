module WganGp.Tests.FigureTests

open System.IO
open Expecto
open WganGp.Core.Data
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Tests.Support

let tests =
    testList "figure 1" [
        test "1a, 1b and 1c are drawn from tiny runs, 1b's data written as CSV with one column per layer, and cached" {
            inTempDir (fun dir ->
                let surfaces =
                    { Datasets = [ ToyKind.EightGaussians; ToyKind.SwissRoll ]; FixedGenerator = RealPlusNoise; Methods = [ Paper.Toy.wganClipping; Paper.Toy.wganGp ]
                      Architecture = ToyMlp(16, 3); Iterations = 2; PaperIterations = 2; BatchSize = 32; Seed = 0 }
                Figures.criticSurfaces dir "test" 2 surfaces
                Expect.isTrue (File.Exists(Path.Combine(dir, "figure1a.png"))) "figure 1a"
                let deep =
                    { Dataset = ToyKind.SwissRoll; Architecture = ToyMlp(16, 12); Clipping = Paper.Toy.wganClipping
                      ClipValues = [ 0.1; 0.01 ]; Penalty = Paper.Toy.wganGp; Iterations = 3; PaperIterations = 3; BatchSize = 32; Seed = 0 }
                Figures.deepCriticGradients dir "test" 3 deep
                for f in [ "figure1b.png"; "figure1c.png" ] do Expect.isTrue (File.Exists(Path.Combine(dir, f))) f
                let csv = File.ReadAllLines(Path.Combine(dir, "figure1b.csv"))
                Expect.equal csv.Length 4 "header + 2 clip values + penalty"
                Expect.equal (csv.[0].Split(',').Length) 13 "method + 12 layers"
                let stamp = File.GetLastWriteTimeUtc(Path.Combine(dir, "figure1b.png"))
                Figures.deepCriticGradients dir "test" 3 deep
                Expect.equal (File.GetLastWriteTimeUtc(Path.Combine(dir, "figure1b.png"))) stamp "same settings: not redone"
                Expect.stringContains (File.ReadAllText(Path.Combine(dir, "figure1bc.json"))) "\"command\": \"test\"" "the command is written beside the figure")
        }
    ]
