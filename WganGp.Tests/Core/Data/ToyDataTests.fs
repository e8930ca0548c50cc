module WganGp.Tests.ToyDataTests

open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Metrics
open WganGp.Tests.Support

/// Distance of each point to its nearest centre, and that centre's index.
let private nearest (points: torch.Tensor) (centres: float32[,]) =
    let c = torch.tensor(Array.init (centres.Length) (fun i -> centres.[i / 2, i % 2])).reshape(-1L, 2L)
    let struct (d, idx) = torch.cdist(points, c).min(1L, false)
    d, idx

let tests =
    testList "toy datasets" [
        test "8gaussians: centres on a circle of radius 2/1.414 at multiples of 45°, σ = 0.02/1.414, uniform over modes" {
            use data = ToyDataset.Create(ToyKind.EightGaussians, 1L)
            let c = data.Centres
            Expect.equal (c.GetLength 0) 8 "eight centres"
            for i in 0 .. 7 do close 1e-5 (2.0 / 1.414) (sqrt (float c.[i, 0] ** 2.0 + float c.[i, 1] ** 2.0)) "radius"
            let angles = [ for i in 0 .. 7 -> round (atan2 (float c.[i, 1]) (float c.[i, 0]) * 180.0 / System.Math.PI) ] |> List.sort
            Expect.equal angles [ -135.0; -90.0; -45.0; 0.0; 45.0; 90.0; 135.0; 180.0 ] "multiples of 45°"
            use points = data.NextBatch 20000
            let d, idx = nearest points c
            // Per-coordinate σ s ⇒ E‖offset‖² = 2s².
            close 0.03 (0.02 / 1.414) (sqrt ((d * d).mean().item<float32>() |> float) / sqrt 2.0) "spread"
            let counts = torch.bincount(idx, minlength = 8L).data<int64>().ToArray()
            for k in counts do close 0.1 2500.0 (float k) "each mode ≈ 1/8 of the points"
        }

        test "25gaussians: a 5 × 5 grid spaced 2/2.828, σ = 0.05/2.828, a fixed set of 100k points cycled in order" {
            use data = ToyDataset.Create(ToyKind.TwentyFiveGaussians, 1L)
            let c = data.Centres
            Expect.equal (c.GetLength 0) 25 "25 centres"
            close 1e-5 (2.0 / 2.828) (ToyMetrics.MinimumSpacing c) "spacing"
            close 1e-5 (4.0 / 2.828) (float (Seq.max (Seq.cast<float32> c))) "outermost centre"
            let batches = [ for _ in 1 .. 391 -> data.NextBatch 256 ]
            Expect.isTrue (batches.[0].allclose(batches.[390], 0.0, 0.0)) "after 390 full batches (99,840 points) it starts over"
            Expect.isFalse (batches.[0].allclose(batches.[1], 0.0, 0.0)) "consecutive batches differ"
            let all = torch.cat(batches |> List.take 390 |> Array.ofList, 0L)
            let d, idx = nearest all c
            close 0.03 (0.05 / 2.828) (sqrt ((d * d).mean().item<float32>() |> float) / sqrt 2.0) "spread"
            let counts = torch.bincount(idx, minlength = 25L).data<int64>().ToArray() |> Array.map float
            close 0.1 (99840.0 / 25.0) (Array.average counts) "4,000 points per centre, shuffled"
        }

        test "swissroll: radius t/7.5 with t ∈ [1.5π, 4.5π], seeded" {
            use data = ToyDataset.Create(ToyKind.SwissRoll, 2L)
            use points = data.NextBatch 20000
            let r = points.norm(1, false, 2.0f)
            // E[t] = 3π; noise N(0, 0.25²) per coordinate adds E‖n‖² = 2·0.0625 to E‖x‖².
            close 0.02 (3.0 * System.Math.PI / 7.5) (r.mean().item<float32>() |> float) "mean radius"
            Expect.isGreaterThan (r.min().item<float32>()) 0.45f "nothing near the centre (1.5π/7.5 = 0.63 minus noise)"
            Expect.isLessThan (r.max().item<float32>()) 2.2f "nothing beyond 4.5π/7.5 = 1.88 plus noise"
            use again = ToyDataset.Create(ToyKind.SwissRoll, 2L)
            Expect.isTrue ((again.NextBatch 20000).allclose(points, 0.0, 0.0)) "same seed, same points"
        }

        test "energy distance: ≈ 0 for two samples of one distribution, clearly positive for different ones" {
            use data = ToyDataset.Create(ToyKind.EightGaussians, 3L)
            use a = data.NextBatch 1000
            use b = data.NextBatch 1000
            use shifted = b + 0.5f
            Expect.isLessThan (abs (ToyMetrics.EnergyDistance(a, b))) 0.01 "same distribution"
            Expect.isGreaterThan (ToyMetrics.EnergyDistance(a, shifted)) 0.1 "shifted"
        }

        test "mode coverage: real 8gaussians data covers 8 modes with ≈ 99% high-quality samples; one mode covers 1" {
            use data = ToyDataset.Create(ToyKind.EightGaussians, 4L)
            use points = data.NextBatch 2000
            let scores = ToyScorer(ToyKind.EightGaussians, 9L).Score points
            Expect.equal scores.["modes"] 8.0 "all modes"
            Expect.isGreaterThan scores.["hq"] 0.98 "within 3σ (99.7% per coordinate pair ≈ 98.9%)"
            let c = data.Centres
            use collapsed = torch.tensor([| c.[0, 0]; c.[0, 1] |]).reshape(1L, 2L).expand(2000L, 2L) + 0.001f * torch.randn(2000L, 2L)
            Expect.equal (ToyScorer(ToyKind.EightGaussians, 9L).Score(collapsed).["modes"]) 1.0 "mode collapse"
        }
    ]
