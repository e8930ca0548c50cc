module WganGp.Tests.PenaltyTests

open Expecto
open TorchSharp
open WganGp.Core.Methods
open WganGp.Tests.Support

/// A linear critic D(x) = w·x + b in torch.float64 with a chosen w.
let private linearCritic (w: float[]) =
    let critic = torch.nn.Linear(int64 w.Length, 1L, dtype = torch.float64)
    use _ = torch.no_grad ()
    critic.weight.copy_(torch.tensor(w, dtype = torch.float64).reshape(1L, int64 w.Length)) |> ignore
    critic

let private norm (w: float[]) = sqrt (Array.sumBy (fun v -> v * v) w)

/// D(x) = ½·s·‖x‖² (float64) with a trainable scale s: its input gradient s·x varies with x, so a penalty taken at the
/// wrong points, or as (mean‖g‖ − 1)² instead of mean (‖g‖ − 1)², gives a different value.
type private Quadratic(scale: float) as this =
    inherit Module("quadratic")
    let s = torch.nn.Parameter(torch.tensor([| scale |], dtype = torch.float64))
    do this.RegisterComponents()
    member _.S = s
    override _.forward(x: torch.Tensor) = 0.5 * s * x.square().reshape(x.shape.[0], -1L).sum(1L)

/// Rows with the given L2 norms, each along its own random direction, as a [B, 2, 3] batch (so the norm must cover
/// every non-batch dimension).
let private rowsWithNorms (norms: float[]) =
    use direction = torch.randn(int64 norms.Length, 6L, dtype = torch.float64)
    let unit = direction / direction.norm(1, keepdim = true, p = 2.0f)
    (unit * torch.tensor(norms, dtype = torch.float64).unsqueeze(1)).reshape(int64 norms.Length, 2L, 3L)

let tests =
    testList "gradient penalty" [
        test "linear critic: penalty is λ(‖w‖ − 1)² and its gradient w.r.t. w is 2λ(‖w‖ − 1)·w/‖w‖" {
            let w = [| 0.3; -1.2; 2.0; 0.5 |]
            let lambda = 10.0
            use critic = linearCritic w
            use real = torch.randn(16L, 4L, dtype = torch.float64)
            use fake = torch.randn(16L, 4L, dtype = torch.float64)
            let term = penaltyOf (GradientPenalty(lambda)) critic real fake
            let p = term.Value.item<float>()
            let n = norm w
            close 1e-10 (lambda * (n - 1.0) ** 2.0) p "penalty value"
            close 1e-10 n (term.MeanGradientNorm.item<float>()) "logged gradient norm"
            term.Value.backward ()
            let grad = (gradOf critic.weight).data<float>().ToArray()
            for i in 0 .. w.Length - 1 do
                close 1e-9 (2.0 * lambda * (n - 1.0) * w.[i] / n) grad.[i] $"∂P/∂w[{i}]"
            let biasGrad = (nonNull critic.bias).grad
            match biasGrad with
            | null -> ()
            | g -> close 1e-12 0.0 (g.item<float>()) "the bias does not change the input gradient"
        }

        test "one-sided penalty is zero below norm 1, the two-sided one is not" {
            let w = [| 0.3; 0.4 |]   // ‖w‖ = 0.5
            use critic = linearCritic w
            use real = torch.randn(8L, 2L, dtype = torch.float64)
            use fake = torch.randn(8L, 2L, dtype = torch.float64)
            close 1e-12 0.0 ((penaltyOf (GradientPenalty(10.0, OneSided = true)) critic real fake).Value.item<float>()) "one-sided"
            close 1e-10 2.5 ((penaltyOf (GradientPenalty(10.0)) critic real fake).Value.item<float>()) "two-sided 10·0.25"
        }

        test "D(x) = ½s‖x‖², real = fake: the penalty is λ·mean over samples of (s‖x‖ − 1)², with ∂/∂s by double backward" {
            // x̂ = x whatever ε is, and ∇D(x̂) = s·x̂: a per-sample norm, squared after subtracting 1, then averaged.
            torch.manual_seed 11L |> ignore
            let norms = [| 0.2; 0.9; 1.5; 3.0 |]
            let s, lambda = 1.3, 10.0
            use critic = new Quadratic(s)
            use x = rowsWithNorms norms
            let term = penaltyOf (GradientPenalty(lambda)) critic x x
            let expected = lambda * (norms |> Array.averageBy (fun n -> (s * n - 1.0) ** 2.0))
            close 1e-10 expected (term.Value.item<float>()) "λ·mean (‖g‖ − 1)², not λ·(mean ‖g‖ − 1)²"
            close 1e-10 (norms |> Array.averageBy (fun n -> s * n)) (term.MeanGradientNorm.item<float>()) "logged mean norm"
            term.Value.backward ()
            let dS = lambda * (norms |> Array.averageBy (fun n -> 2.0 * (s * n - 1.0) * n))
            close 1e-9 dS ((gradOf critic.S).item<float>()) "∂P/∂s = λ·mean 2(s‖x‖ − 1)‖x‖"
        }

        test "D(x) = ½‖x‖², fake = −real: the gradient is taken at x̂ = (2ε − 1)·x, not at the real or fake points" {
            // ‖∇D‖ = |2ε − 1|·‖x‖ at x̂, but ‖x‖ at either end; ε is reproduced by re-seeding before the same draw.
            let norms = [| 0.5; 1.0; 2.0; 4.0; 1.5; 3.0 |]
            torch.manual_seed 12L |> ignore
            use x = rowsWithNorms norms
            use fake = -x
            torch.manual_seed 13L |> ignore
            let eps = torch.rand([| int64 norms.Length; 1L; 1L |], dtype = torch.float64).reshape(-1L).data<float>().ToArray()
            use critic = new Quadratic(1.0)
            torch.manual_seed 13L |> ignore
            let term = penaltyOf (GradientPenalty(10.0)) critic x fake
            let at = Array.map2 (fun (e: float) n -> abs (2.0 * e - 1.0) * n) eps norms
            close 1e-10 (10.0 * (at |> Array.averageBy (fun g -> (g - 1.0) ** 2.0))) (term.Value.item<float>()) "penalty at x̂"
            close 1e-10 (Array.average at) (term.MeanGradientNorm.item<float>()) "mean norm at x̂"
        }

        test "one-sided penalty above norm 1: λ·mean max(0, ‖g‖ − 1)², not zero; below 1 only the two-sided one counts" {
            torch.manual_seed 14L |> ignore
            let norms = [| 0.5; 2.0; 3.0 |]   // gradient norms 0.5, 2, 3 with s = 1
            use critic = new Quadratic(1.0)
            use x = rowsWithNorms norms
            close 1e-10 (10.0 * (0.0 + 1.0 + 4.0) / 3.0) ((penaltyOf (GradientPenalty(10.0, OneSided = true)) critic x x).Value.item<float>()) "one-sided"
            close 1e-10 (10.0 * (0.25 + 1.0 + 4.0) / 3.0) ((penaltyOf (GradientPenalty(10.0)) critic x x).Value.item<float>()) "two-sided"
        }

        test "ε is one scalar per sample, broadcast over every other dimension" {
            use real = torch.zeros(64L, 3L, 5L, 5L)
            use fake = torch.ones(64L, 3L, 5L, 5L)
            use xhat = GradientPenalty.Interpolate(real, fake)   // = 1 − ε
            let perSample = xhat.reshape(64L, -1L)
            let spread = (perSample - perSample.narrow(1L, 0L, 1L)).abs().max().item<float32>()
            Expect.equal spread 0.0f "constant within a sample"
            let firsts = perSample.select(1, 0L)
            Expect.isGreaterThan (firsts.std().item<float32>()) 0.1f "different ε across samples (U[0,1] has std 0.29)"
            Expect.isTrue xhat.requires_grad "x̂ is a leaf that requires grad"
        }

        test "for 4-D inputs the norm covers C·H·W (not per pixel or per channel)" {
            torch.manual_seed 3L |> ignore
            use critic = new WeightedSum([| 3L; 4L; 4L |])
            use real = torch.randn(10L, 3L, 4L, 4L, dtype = torch.float64)
            use fake = torch.randn(10L, 3L, 4L, 4L, dtype = torch.float64)
            let term = penaltyOf (GradientPenalty(1.0)) critic real fake
            let frobenius = critic.W.norm().item<float>()
            close 1e-10 frobenius (term.MeanGradientNorm.item<float>()) "‖∇D‖ = ‖W‖_F"
            close 1e-10 ((frobenius - 1.0) ** 2.0) (term.Value.item<float>()) "penalty (‖W‖_F − 1)²"
        }

        test "the penalty's gradient reaches the critic's parameters (create_graph), and nothing reaches the generator" {
            torch.manual_seed 4L |> ignore
            use generator = torch.nn.Linear(2L, 6L, dtype = torch.float64)
            use critic = new WeightedSum([| 6L |])
            use z = torch.randn(8L, 2L, dtype = torch.float64)
            use real = torch.randn(8L, 6L, dtype = torch.float64)
            let fake = generator.call z   // attached to the generator's graph on purpose
            let term = penaltyOf (GradientPenalty(10.0)) critic real fake
            term.Value.backward ()
            let expected = critic.W * (2.0 * 10.0 * (critic.W.norm() - 1.0) / critic.W.norm())
            Expect.isNotNull critic.W.grad "critic parameters get a gradient from the penalty"
            close 1e-9 0.0 ((gradOf critic.W - expected).abs().max().item<float>()) "∂P/∂W analytic"
            Expect.isTrue (isNull generator.weight.grad) "the generator gets no gradient from the penalty"
        }

        test "finite differences agree with the double backward on a small conv critic" {
            torch.manual_seed 5L |> ignore
            use critic =
                torch.nn.Sequential(
                    torch.nn.Conv2d(1L, 3L, 3L, stride = 2L, padding = 1L, dtype = torch.float64), torch.nn.Tanh(), torch.nn.Flatten(),
                    torch.nn.Linear(3L * 3L * 3L, 1L, dtype = torch.float64))
            use xhat = torch.randn(5L, 1L, 6L, 6L, dtype = torch.float64)
            let penalty () =
                let norms = GradientPenalty.InputGradientNorms(critic, xhat.detach().requires_grad_(true), createGraph = true)
                10.0 * (norms - 1.0).square().mean()
            critic.zero_grad ()
            (penalty ()).backward ()
            let conv = critic.parameters() |> Seq.head
            let analytic = (gradOf conv).clone().reshape(-1L)
            let flat = conv.detach().reshape(-1L)
            for i in [ 0L; 4L; 13L; 26L ] do
                let h = 1e-6
                let shift delta =
                    use _ = torch.no_grad ()
                    flat.[i] <- flat.[i] + delta
                let at delta =
                    shift delta
                    let v = (penalty ()).item<float>()
                    shift -delta
                    v
                let numeric = (at h - at -h) / (2.0 * h)
                close 1e-5 numeric (analytic.[i].item<float>()) $"∂P/∂θ[{i}]"
        }
    ]
