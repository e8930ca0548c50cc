/// Floating-point work of a training iteration, counted from the layer shapes, and this machine's peaks to read it
/// against (`wgangp bench profile`).
module WganGp.Experiments.Flops

open System
open System.Diagnostics
open TorchSharp
open WganGp.Core.Methods
open WganGp.Core.Numerics

type private Net = torch.nn.Module<torch.Tensor, torch.Tensor>

/// FLOPs (2 × multiply-adds) per sample of one call of a convolution shape: a conv computes every output pixel from
/// C_in·k² inputs; a transposed conv scatters every input pixel into C_out·k² outputs.
let ofShape (s: ConvShape) =
    let k2 = float (s.Kernel * s.Kernel)
    if s.Transposed then 2.0 * float s.In * float (s.Height * s.Width) * float s.Out * k2
    else
        let out (n: int64) = (n + 2L * s.Padding - s.Kernel) / s.Stride + 1L
        2.0 * float s.Out * float (out s.Height * out s.Width) * float s.In * k2

/// FLOPs per sample of one forward: the convolutions it calls (recorded, with repeats) and its Linear layers (each
/// called once per forward in these networks). Elementwise work, normalisers and activations are not counted.
let forward (network: Net) (run: unit -> unit) =
    let calls = ConvRoute.RecordCalls(fun () -> use _ = torch.no_grad() in run ())
    let convs = calls |> Seq.sumBy (fun kv -> ofShape kv.Key * float kv.Value)
    let linears =
        network.modules() |> Seq.sumBy (function
            | :? TorchSharp.Modules.Linear as l -> 2.0 * float l.in_features * float l.out_features
            | _ -> 0.0)
    // The recording ran at batch 2.
    convs / 2.0 + linears

/// FLOPs per sample of one generator and one critic forward of an architecture's pair under a method, for items of
/// this shape.
let ofPair (architecture: WganGp.Experiments.Dsl.Architecture) (method: Method) (shape: int64[]) =
    let generator, critic, latent = Cells.networks architecture method WganGp.Core.Nets.InitScheme.Tflib shape
    use g = generator.Invoke()
    use d = critic.Invoke()
    use scope = torch.NewDisposeScope()
    let z = torch.randn(2L, int64 latent)
    let fG = forward g (fun () -> g.call z |> ignore)
    let fake = (use _ = torch.no_grad() in g.call z)
    let fD = forward d (fun () -> d.call fake |> ignore)
    fG, fD

/// FLOPs of one generator iteration of a method at batch B, from one forward of each network (F_G, F_D per sample).
/// A backward costs two forwards (input and weight gradients); a critic step draws the fakes (F_G), runs D on real
/// and fake (2 F_D) and back (4 F_D); under a gradient penalty also D on the interpolates (F_D), their input gradient
/// (F_D), and the backward through both graphs (2 F_D + 2 F_D: the double backward). A generator step runs G and D
/// forward and back to G's weights (D's input gradients only): 3 F_G + 2 F_D.
let iteration (method: Method) (batch: int) (fG: float) (fD: float) =
    let penalty = match method.Constraint with :? GradientPenalty -> true | _ -> false
    let critic = fG + 6.0 * fD + (if penalty then 6.0 * fD else 0.0)
    float batch * (float method.CriticIterations * critic + 3.0 * fG + 2.0 * fD)

/// The best of `repeats` timings of `work` (after one untimed call), in seconds.
let private best (repeats: int) (work: unit -> unit) =
    work ()
    [ for _ in 1 .. repeats ->
          let clock = Stopwatch.StartNew()
          work ()
          clock.Elapsed.TotalSeconds ]
    |> List.min

/// This machine's measured peaks in GFLOP/s with the process's threads: a 2048² sgemm and a large 3×3 convolution
/// (batch 32, 128 → 128 channels at 32×32, forward).
let peaks () =
    use scope = torch.NewDisposeScope()
    let n = 2048L
    let a, b = torch.randn(n, n), torch.randn(n, n)
    let gemm = 2.0 * float (n * n * n) / best 5 (fun () -> torch.mm(a, b).Dispose()) / 1e9
    let x, w = torch.randn(32L, 128L, 32L, 32L), torch.randn(128L, 128L, 3L, 3L)
    let convFlops = 2.0 * 32.0 * 128.0 * 32.0 * 32.0 * 128.0 * 9.0
    let conv = convFlops / best 5 (fun () -> torch.nn.functional.conv2d(x, w, padding = [| 1L; 1L |]).Dispose()) / 1e9
    gemm, conv
