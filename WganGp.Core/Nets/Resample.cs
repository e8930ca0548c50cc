namespace WganGp.Core.Nets;

/// <summary>What a residual block does to the resolution: keep it, halve it (critic) or double it (generator).</summary>
public enum Resample
{
    None,
    Down,
    Up,
}
