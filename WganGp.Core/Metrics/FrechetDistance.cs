using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>
/// The Fréchet distance between two Gaussians, FID = ‖μ1 − μ2‖² + Tr Σ1 + Tr Σ2 − 2 Tr (Σ1Σ2)^½, in float64.
/// Tr (Σ1Σ2)^½ takes the symmetric route (both factors positive semi-definite): with A = Σ1^½ from a symmetric
/// eigendecomposition, (Σ1Σ2)^½ is similar to (A Σ2 A)^½, a symmetric matrix whose eigenvalues need no complex
/// arithmetic and no eps fallback (scipy's <c>sqrtm</c> of the non-symmetric product needs both).
/// </summary>
public static class FrechetDistance
{
    /// <summary>FID between two sets' statistics. Refuses sets with N ≤ D (their Σ is singular, and the score
    /// meaningless) when the count is known, and statistics of different dimensions.</summary>
    public static double Compute(FeatureStatistics first, FeatureStatistics second)
    {
        if (first.Dimension != second.Dimension)
            throw new ArgumentException($"FID needs statistics of the same feature dimension: got D={first.Dimension} and D={second.Dimension}");
        foreach (var s in new[] { first, second })
            if (s.Count is long n && n <= s.Dimension)
                throw new ArgumentException($"FID needs more samples than feature dimensions: got N={n}, D={s.Dimension}");

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var difference = first.MeanTensor() - second.MeanTensor();
        var sigma1 = first.CovarianceTensor();
        var sigma2 = second.CovarianceTensor();
        double meanTerm = difference.dot(difference).item<double>();
        double traces = sigma1.trace().item<double>() + sigma2.trace().item<double>();
        return meanTerm + traces - 2 * TraceSqrtProduct(sigma1, sigma2);
    }

    /// <summary>Tr (Σ1Σ2)^½ for symmetric positive semi-definite Σ1, Σ2 [D, D]: A = V diag(√max(λ, 0)) Vᵀ from
    /// eigh(Σ1), M = A Σ2 A symmetrised, and Σ √max(λ_i(M), 0). Eigenvalues below zero are rounding noise of a
    /// singular or nearly singular matrix and count as zero.</summary>
    public static double TraceSqrtProduct(Tensor sigma1, Tensor sigma2)
    {
        if (sigma1.dim() != 2 || sigma1.shape[0] != sigma1.shape[1] || !sigma1.shape.SequenceEqual(sigma2.shape))
            throw new ArgumentException($"Tr (Σ1Σ2)^½ needs two square matrices of one size; got [{string.Join(", ", sigma1.shape)}] and [{string.Join(", ", sigma2.shape)}]");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var s1 = sigma1.detach().cpu().to(float64);
        var s2 = sigma2.detach().cpu().to(float64);
        var (lambda, v) = linalg.eigh(s1);
        var a = (v * lambda.clamp_min(0).sqrt().unsqueeze(0)).mm(v.t());
        var m = a.mm(s2).mm(a);
        m = (m + m.t()) / 2;
        return linalg.eigvalsh(m).clamp_min(0).sqrt().sum().item<double>();
    }
}
