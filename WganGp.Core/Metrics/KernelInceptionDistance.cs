using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>KID's settings (torch-fidelity's defaults): <paramref name="Subsets"/> subsets of
/// <paramref name="SubsetSize"/> rows drawn without replacement from each set by one numpy
/// <c>RandomState(<paramref name="Seed"/>)</c>; kernel k(x, y) = (γ xᵀy + <paramref name="Coef0"/>)^<paramref name="Degree"/>
/// with γ = <paramref name="Gamma"/>, or 1/D when null.</summary>
public sealed record KidOptions(int Subsets = 100, int SubsetSize = 1000, int Degree = 3, double? Gamma = null, double Coef0 = 1, int Seed = 2020);

/// <summary>KID: the mean and population standard deviation (ddof 0) of the per-subset unbiased MMD² estimates.</summary>
public sealed record KidResult(double Mean, double Std, IReadOnlyList<double> SubsetValues);

/// <summary>The Kernel Inception Distance (Bińkowski et al. 2018) as torch-fidelity's <c>kid_features_to_metric</c>
/// computes it, in float64.</summary>
public static class KernelInceptionDistance
{
    /// <summary>KID between feature rows <paramref name="first"/> [N1, D] and <paramref name="second"/> [N2, D]. Per subset:
    /// rows <c>rng.choice(N1, m, replace=False)</c> of the first set, then <c>rng.choice(N2, m, replace=False)</c> of
    /// the second, and MMD² = (ΣK_XX + ΣK_YY off the diagonal) / (m(m − 1)) − 2 ΣK_XY / m².</summary>
    public static KidResult Compute(Tensor first, Tensor second, KidOptions? options = null)
    {
        options ??= new KidOptions();
        if (first.dim() != 2 || second.dim() != 2 || first.shape[1] != second.shape[1])
            throw new ArgumentException($"KID needs two feature sets [N, D] of one D; got [{string.Join(", ", first.shape)}] and [{string.Join(", ", second.shape)}]");
        if (options.Subsets < 1)
            throw new ArgumentException($"KID needs at least 1 subset; got {options.Subsets}", nameof(options));
        if (options.SubsetSize < 2)
            throw new ArgumentException($"KID needs subsets of at least 2 rows; got {options.SubsetSize}", nameof(options));
        long n1 = first.shape[0], n2 = second.shape[0];
        if (n1 < options.SubsetSize || n2 < options.SubsetSize)
            throw new ArgumentException($"KID needs at least the subset size ({options.SubsetSize}) of rows in each set: got N1={n1}, N2={n2}");
        if (n1 > int.MaxValue || n2 > int.MaxValue)
            throw new ArgumentException($"too many rows for KID: N1={n1}, N2={n2}");

        double gamma = options.Gamma ?? 1.0 / first.shape[1];
        int m = options.SubsetSize;
        var rng = new NumpyRandomState(options.Seed);
        var values = new double[options.Subsets];
        using var _ = no_grad();
        using var a = first.detach();
        using var b = second.detach();
        for (int i = 0; i < options.Subsets; i++)
        {
            using var scope = NewDisposeScope();
            var x = Rows(a, rng.Choice((int)n1, m));
            var y = Rows(b, rng.Choice((int)n2, m));
            Tensor Kernel(Tensor p, Tensor q) => (p.mm(q.t()) * gamma + options.Coef0).pow(options.Degree);
            var kxx = Kernel(x, x);
            var kyy = Kernel(y, y);
            var kxy = Kernel(x, y);
            double offDiagonal = (kxx.sum() - kxx.diagonal().sum() + kyy.sum() - kyy.diagonal().sum()).item<double>();
            values[i] = offDiagonal / ((double)m * (m - 1)) - 2 * kxy.sum().item<double>() / ((double)m * m);
        }
        var (mean, std) = InceptionScore.MeanAndPopulationStd(values);
        return new KidResult(mean, std, values);
    }

    /// <summary>The given rows as float64 on the CPU, converting only the subset (the sets may be large float32).</summary>
    static Tensor Rows(Tensor features, long[] rows)
    {
        var index = tensor(rows, int64, features.device);
        return features.index_select(0, index).cpu().to(float64);
    }
}
