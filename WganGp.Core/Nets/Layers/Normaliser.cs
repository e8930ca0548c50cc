namespace WganGp.Core.Nets;

/// <summary>
/// The normaliser a layer gets. Networks take it as an explicit choice; which one a cell's critic gets is decided where
/// the cell is built, from each script's rule and what the method's constraint tolerates (gan_64x64.py: layer norm
/// for a critic under the gradient penalty, batch norm otherwise).
/// </summary>
public enum Normaliser
{
    None,

    /// <summary>Batch statistics always (tflib never uses moving averages), ε = 1e-5, scale 1 and offset 0 per channel.</summary>
    Batch,

    /// <summary>tflib's Layernorm over (C, H, W) with one scale and offset per channel: GroupNorm(1, C), ε = 1e-5.</summary>
    Layer,
}
