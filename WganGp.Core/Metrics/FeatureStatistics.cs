using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>
/// The Gaussian FID compares: the mean μ [D] and unbiased covariance Σ [D, D] (divided by N − 1, as <c>np.cov</c>) of
/// feature rows, in float64. Stored as pytorch-fid's / TTUR's <c>.npz</c> (arrays <c>mu</c> and <c>sigma</c>) plus the
/// sample count <c>n</c>, which those tools ignore and which FID needs to refuse N ≤ D.
/// </summary>
public sealed class FeatureStatistics
{
    /// <summary>Rows are accumulated in chunks of this many, so float32 features of any N need no float64 copy.</summary>
    const int ChunkRows = 4096;

    /// <summary>Feature dimension D.</summary>
    public int Dimension { get; }

    /// <summary>The number of rows N the statistics were computed from; null when read from a file without it.</summary>
    public long? Count { get; }

    /// <summary>μ, length D.</summary>
    public double[] Mean { get; }

    /// <summary>Σ, D × D in row-major order.</summary>
    public double[] Covariance { get; }

    public FeatureStatistics(double[] mean, double[] covariance, long? count)
    {
        if (mean.Length == 0) throw new ArgumentException("feature statistics need D ≥ 1", nameof(mean));
        if (covariance.Length != (long)mean.Length * mean.Length)
            throw new ArgumentException($"the covariance must hold D×D = {(long)mean.Length * mean.Length} values for D={mean.Length}; got {covariance.Length}", nameof(covariance));
        if (count is < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "the sample count must be positive");
        Dimension = mean.Length;
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    /// <summary>μ and the unbiased Σ of feature rows [N, D] (any float dtype or device; computed in float64 on the CPU
    /// in two passes: the mean, then Σ (x − μ)ᵀ(x − μ) / (N − 1)).</summary>
    public static FeatureStatistics FromFeatures(Tensor features)
    {
        if (features.dim() != 2)
            throw new ArgumentException($"feature statistics need features [N, D]; got shape [{string.Join(", ", features.shape)}]", nameof(features));
        long n = features.shape[0], d = features.shape[1];
        if (n < 2) throw new ArgumentException($"a covariance needs at least 2 feature rows; got N={n}", nameof(features));
        if (d < 1) throw new ArgumentException("feature statistics need D ≥ 1", nameof(features));

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = features.detach();
        var sum = zeros(d, dtype: float64);
        for (long start = 0; start < n; start += ChunkRows)
            sum.add_(x.narrow(0, start, Math.Min(ChunkRows, n - start)).cpu().to(float64).sum(dim: 0));
        var mean = sum / n;
        var scatter = zeros(new[] { d, d }, dtype: float64);
        for (long start = 0; start < n; start += ChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            var centred = x.narrow(0, start, Math.Min(ChunkRows, n - start)).cpu().to(float64) - mean;
            scatter.add_(centred.t().mm(centred));
        }
        var covariance = scatter / (n - 1);
        return new FeatureStatistics(mean.data<double>().ToArray(), covariance.data<double>().ToArray(), n);
    }

    /// <summary>μ as a new float64 CPU tensor [D] (the caller disposes it).</summary>
    public Tensor MeanTensor() => tensor(Mean, new long[] { Dimension }, float64);

    /// <summary>Σ as a new float64 CPU tensor [D, D] (the caller disposes it).</summary>
    public Tensor CovarianceTensor() => tensor(Covariance, new long[] { Dimension, Dimension }, float64);

    /// <summary>Writes an uncompressed <c>.npz</c> as <c>np.savez(path, mu=…, sigma=…, n=…)</c> would.</summary>
    public void Save(string path)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        void Entry(string name, Action<Stream> write)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            write(stream);
        }
        Entry("mu.npy", s => Npy.Write(s, Mean, [Dimension]));
        Entry("sigma.npy", s => Npy.Write(s, Covariance, [Dimension, Dimension]));
        if (Count is long n) Entry("n.npy", s => Npy.WriteScalar(s, n));
    }

    /// <summary>Reads an <c>.npz</c> (stored or deflated, as <c>np.savez</c> or <c>np.savez_compressed</c> write it)
    /// holding <c>mu</c> [D] and <c>sigma</c> [D, D] as '&lt;f8' or '&lt;f4' in C order, and optionally <c>n</c>.</summary>
    public static FeatureStatistics Load(string path)
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: not an .npz (zip) file: {e.Message}", e); }
        using (zip)
        {
            (double[] Values, long[] Shape) Array(string name, bool required, bool allowInt64 = false)
            {
                var entry = zip.GetEntry(name + ".npy");
                if (entry is null)
                {
                    if (!required) return ([], []);
                    var present = string.Join(", ", zip.Entries.Select(e => e.FullName));
                    throw new InvalidDataException($"{path}: no array '{name}' (entries: {present}); FID statistics need 'mu' and 'sigma'");
                }
                using var stream = entry.Open();
                return Npy.Read(stream, $"{path}:{name}", allowInt64);
            }
            var (mu, muShape) = Array("mu", true);
            var (sigma, sigmaShape) = Array("sigma", true);
            if (muShape.Length != 1)
                throw new InvalidDataException($"{path}: 'mu' must be 1-D [D]; got shape ({string.Join(", ", muShape)})");
            long d = muShape[0];
            if (sigmaShape.Length != 2 || sigmaShape[0] != d || sigmaShape[1] != d)
                throw new InvalidDataException($"{path}: 'sigma' must be [D, D] = ({d}, {d}) to match 'mu'; got ({string.Join(", ", sigmaShape)})");
            if (d < 1) throw new InvalidDataException($"{path}: 'mu' is empty");
            var (n, nShape) = Array("n", false, allowInt64: true);
            long? count = null;
            if (n.Length > 0)
            {
                if (nShape.Length != 0 || n[0] < 1 || n[0] != Math.Floor(n[0]))
                    throw new InvalidDataException($"{path}: 'n' must be a positive scalar sample count");
                count = (long)n[0];
            }
            return new FeatureStatistics(mu, sigma, count);
        }
    }
}
