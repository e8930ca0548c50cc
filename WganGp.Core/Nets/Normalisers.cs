namespace WganGp.Core.Nets;

/// <summary>
/// The normalisers a pair is built with, chosen once where a cell is built (<see cref="ArchitectureEntry.NormalisersFor"/>)
/// and recorded in its cell.json: the critic's, and the generator's where the architecture's script makes it depend on the
/// method (null: the architecture fixes it).
/// </summary>
public sealed record Normalisers(Normaliser Critic, Normaliser? Generator = null)
{
    /// <summary>No normaliser in either network (gan_toy.py, gan_language.py, gan_cifar_resnet.py's critic).</summary>
    public static Normalisers None { get; } = new(Normaliser.None);
}
