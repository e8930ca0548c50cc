module WganGp.Tests.GridCellTests

open System
open System.IO
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Training
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Tests.Support

/// Real-looking batches of any item shape: images uniform in [-1, 1], or one-hot rows for [length, V] text items;
/// labelled, for the conditional method.
type private Noise(shape: int64[]) =
    let isText = shape.Length = 2
    interface ILabelledBatchSource with
        member _.Name = "noise"
        member _.ItemShape = shape
        member _.Classes = 10
        member this.NextBatch batchSize = (this :> ILabelledBatchSource).NextLabelled(batchSize).ToTuple() |> fst
        member _.NextLabelled batchSize =
            let batch = Array.append [| int64 batchSize |] shape
            let items =
                if isText then torch.nn.functional.one_hot(torch.randint(shape.[1], batch.[.. 1]), shape.[1]).``to``(torch.float32)
                else torch.rand(batch) * 2.0f - 1.0f
            struct (items, torch.randint(10L, [| int64 batchSize |]))

/// Every distinct architecture × method of every grid script, at its real size.
let private pairs () =
    [ for script in repoScripts () do
          match repoExperiment script |> Result.bind (Cells.ofExperiment (Cells.Scaled 1.0)) with
          | Ok cells -> yield! cells |> List.filter (fun c -> match c.Dataset with Real _ -> true | Toy _ -> false)
          | Error errors -> failwith (String.concat "; " errors) ]
    |> List.distinctBy (fun c -> Names.architecture c.Architecture, c.Method.Describe() |> Seq.map string |> String.concat ",")

let tests =
    testList "every grid cell trains" [
        test "one generator iteration (after one critic iteration) of every architecture x method pair of every grid script, at batch 2: finite losses, right shapes" {
            let cells = pairs ()
            Expect.isGreaterThanOrEqual cells.Length 60 "the matrices, CIFAR-10, random architectures and the language model"
            for cell in cells do
                let shape = Cells.inputShape cell.Architecture |> Array.map (fun d -> if d < 0L then 20L else d)
                let generator, critic, latent = Cells.networks cell.Architecture cell.Method cell.Init shape
                // One critic iteration: the critic's step is the same code however often it repeats, and the test
                // builds 80-odd pairs at their real size. Two iterations: the paper's code skips G's step at iteration 0.
                let method = cell.Method.WithCriticIterations 1
                let config = TrainConfig(generator, critic, latent, Noise shape, method, 2, 2, 0L, SampleCount = 2)
                use result = Trainer.Run config
                let name = $"{Names.architecture cell.Architecture} x {method.Name}"
                Expect.equal result.Status RunStatus.Finished $"{name}: finite losses"
                Expect.sequenceEqual (nonNull result.Samples).shape (Array.append [| 2L |] shape) $"{name}: samples of the data's shape"
        }
    ]
