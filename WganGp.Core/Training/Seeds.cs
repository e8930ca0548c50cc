namespace WganGp.Core.Training;

/// <summary>
/// Every seed a run derives from its cell's seed, in one place. Each stream has its own seed so that one does not
/// shift another (evaluating does not change training); changing any of these changes published numbers.
/// </summary>
public static class Seeds
{
    /// <summary>The fixed reference draws: the toy sets' reference points and the real images scores compare with.</summary>
    public const long Reference = 20_170_331L;

    /// <summary>The order of a cell's real batches (distinct from the torch seed the trainer sets from the cell's seed).</summary>
    public static long Data(long seed) => seed * 7919L + 1L;

    /// <summary>The noise of the samples scored at an evaluation.</summary>
    public static ulong Evaluation(long seed, int iteration) => (ulong)seed * 2_654_435_761UL + (ulong)iteration;

    /// <summary>The latent batch every sample grid of a run uses.</summary>
    public static ulong SampleGrid(long seed) => (ulong)seed * 40_503UL + 17UL;

    /// <summary>Figure 1's real points.</summary>
    public static long FigureData(long seed) => seed + 1L;

    /// <summary>Figure 1a's second real stream (the independent fixed generator's).</summary>
    public static long FigureFixedGenerator(long seed) => seed + 2L;
}
