namespace WganGp.Core.Nets;

/// <summary>
/// How the random-architecture study's depth (Table 1: 4, 8, 12, 20) is realised here; the paper does not say and its code
/// was not released. Our realisation: the 32×32 DCGAN backbone has 4 weight layers (generator: Linear + 3 stride-2
/// transposed convs; critic: 3 stride-2 convs + Linear), and depth counts weight layers, so depth − 4 extra 3×3 stride-1
/// 'SAME' convs (same channels, each followed by the normaliser and the nonlinearity) are spread as evenly as possible over
/// the three hidden resolutions 4×4, 8×8 and 16×16, any remainder going to the smaller (cheaper) resolutions first:
/// depth 8 → 2, 1, 1; 12 → 3, 3, 2; 20 → 6, 5, 5.
/// </summary>
public static class Dcgan32Depth
{
    public const int Backbone = 4;

    /// <summary>The resolutions that get extra convs, smallest first.</summary>
    public static IReadOnlyList<int> Resolutions { get; } = [4, 8, 16];

    /// <summary>Extra 3×3 convs at each of <see cref="Resolutions"/>, in that order.</summary>
    public static int[] ExtraConvs(int depth)
    {
        if (depth < Backbone) throw new ArgumentException($"depth counts weight layers and is at least {Backbone}, got {depth}");
        var extra = depth - Backbone;
        var stages = Resolutions.Count;
        return Enumerable.Range(0, stages).Select(i => extra / stages + (i < extra % stages ? 1 : 0)).ToArray();
    }
}
