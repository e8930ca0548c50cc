namespace WganGp.Core.Nets;

/// <summary>
/// The stages of gan_64x64.py's 101-layer ResNet pair, from 4×4 up to the image size: the width at resolution r is
/// 32·dim / r (8·dim at 4², dim/2 at 64²: 512 … 32 for dim 64), each stage holds 6 blocks except 5 at 64². At 64×64
/// that is 29 same-shape blocks plus 4 resampling ones = 33 blocks. At 32×32 the 64² stage is dropped (27 blocks).
/// </summary>
public static class ResNet101Layout
{
    public readonly record struct Stage(int Resolution, int Blocks, long Width);

    public static IReadOnlyList<Stage> Stages(int dim, int size)
    {
        if (size != 32 && size != 64) throw new ArgumentException($"size must be 32 or 64, got {size}");
        if (dim < 1 || 32L * dim % (2 * size) != 0)
            throw new ArgumentException($"dim must make every stage width 32·dim/r even (a multiple of {2 * size / 32}), got {dim}");
        var stages = new List<Stage>();
        for (var r = 4; r <= size; r *= 2) stages.Add(new Stage(r, r == 64 ? 5 : 6, 32L * dim / r));
        return stages;
    }
}
