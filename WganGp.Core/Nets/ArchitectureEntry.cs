using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// One entry of the architecture registry: what the framework knows about a generator/critic pair, beside its networks.
/// Adding an architecture is an entry (one record under its script's folder) and the case of the grid language that
/// names it. The entry never sees a method: its needs arrive as <see cref="CriticNeeds"/>.
/// </summary>
public abstract record ArchitectureEntry
{
    /// <summary>The shape of one data item the critic takes (−1: any size, e.g. the vocabulary).</summary>
    public abstract long[] InputShape { get; }

    /// <summary>The generator's latent size (128 in every image and text script).</summary>
    public virtual int LatentDim => 128;

    public abstract DataKind Data { get; }

    /// <summary>The pixel scaling its generator's output range requires of the data (null: any).</summary>
    public virtual PixelScaling? RequiredScaling => null;

    /// <summary>Its script's normaliser rule (default: no normaliser in either network).</summary>
    public virtual Normalisers NormalisersFor(CriticNeeds needs) => Normalisers.None;

    /// <summary>Generator and critic factories for data items of the given shape (called after the trainer seeds torch).</summary>
    public abstract NetworkFactories Networks(Normalisers norms, InitScheme init, long[] itemShape);

    /// <summary>What is wrong with its own settings (a size or width it is not defined at); empty when it can be built.</summary>
    public virtual IEnumerable<string> Problems() => [];
}

/// <summary>A pair's factories.</summary>
public sealed record NetworkFactories(Func<nn.Module<Tensor, Tensor>> Generator, Func<nn.Module<Tensor, Tensor>> Critic);
