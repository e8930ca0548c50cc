using WganGp.Core.Data;
using WganGp.Core.Registry;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// An architecture: a named generator/critic pair and what the framework knows about it beside its networks. Built-in
/// pairs are entries under their script's folder; a grid script defines its own by deriving from this class (see
/// experiments/custom-architecture.fsx). An entry is a value: its identity is its kind
/// (<see cref="KindAttribute"/>) and its constructor's arguments, which is what cell.json records and what
/// equality compares (<see cref="Kinds{T}"/>), so reading a cell back needs no case written for it. The entry
/// never sees a method: its needs arrive as <see cref="CriticNeeds"/>.
/// </summary>
[System.ComponentModel.Description("architecture")]
public abstract class ArchitectureEntry : KindValue<ArchitectureEntry>
{
    /// <summary>Its name in cell ids, tables and paths (e.g. "dcgan-32c1-w0.25"); a published contract.</summary>
    public abstract string Name { get; }

    /// <summary>The shape of one data item the critic takes (−1: any size, e.g. the vocabulary).</summary>
    public abstract long[] InputShape { get; }

    /// <summary>The generator's latent size (128 in every image and text script); builders receive it in <see cref="NetworkSpec"/>.</summary>
    public virtual int LatentDim => 128;

    public abstract DataKind Data { get; }

    /// <summary>The pixel scaling its generator's output range requires of the data (null: any).</summary>
    public virtual PixelScaling? RequiredScaling => null;

    /// <summary>Its script's normaliser rule (default: no normaliser in either network).</summary>
    public virtual Normalisers NormalisersFor(CriticNeeds needs) => Normalisers.None;

    /// <summary>Generator and critic factories for a cell's spec (called after the trainer seeds torch).</summary>
    public abstract NetworkFactories Networks(NetworkSpec spec);

    /// <summary>What is wrong with its own settings (a size or width it is not defined at); empty when it can be built.</summary>
    public virtual IEnumerable<string> Problems() => [];

    /// <summary>Whether its generator takes class labels and its critic has a class head (<see cref="IConditionalGenerator"/>,
    /// <see cref="IClassifyingCritic"/>): what an auxiliary-classifier method needs, checked when a grid is planned.</summary>
    public virtual bool ClassConditional => false;

    /// <summary>The same pair at another width (pairs without a width knob return themselves).</summary>
    public virtual ArchitectureEntry WithWidth(double width) => this;

    public override string ToString() => Name;
}

/// <summary>A pair's factories.</summary>
public sealed record NetworkFactories(Func<nn.Module<Tensor, Tensor>> Generator, Func<nn.Module<Tensor, Tensor>> Critic);
