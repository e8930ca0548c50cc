using System.ComponentModel;
using WganGp.Core.Data.Text;

using WganGp.Core.Registry;
using static TorchSharp.torch;

namespace WganGp.Core.Data.Formats;

/// <summary>
/// How a real dataset's files are laid out and decoded: one entry per format (IDX, CIFAR-10, image folders, LMDB,
/// text), a value whose identity (<see cref="KindValue{T}"/>) cell.json records. It opens the files as seeded,
/// resumable batches, says what kind of data they hold and where its held-out split is, and turns samples into the
/// data's own form. A script adds a format by deriving from this class.
/// </summary>
[Description("data format")]
public abstract class DataFormat : KindValue<DataFormat>
{
    /// <summary>The format as cell ids describe it (a published contract: it is hashed into every id of its cells).</summary>
    public abstract string Describe();

    /// <summary>What the items are: images [C, H, W] or one-hot text [length, vocabulary].</summary>
    public abstract DataKind Data { get; }

    /// <summary>The files at <paramref name="path"/> as seeded, resumable batches scaled as <paramref name="scaling"/>
    /// says; <paramref name="decodeThreads"/> for formats decoded on the fly; <paramref name="warn"/> hears of skipped items.</summary>
    public abstract IResumableBatchSource Open(string path, PixelScaling scaling, long seed, int decodeThreads, Action<string> warn);

    /// <summary>Whether its items come with class labels (what an auxiliary-classifier method trains on).</summary>
    public virtual bool Labelled => false;

    /// <summary>The same files' held-out split (the real-data ceiling of scores), when the format has one.</summary>
    public virtual DataFormat? HeldOut => null;

    /// <summary>Text data: samples [N, length, V] as lines of their most likely symbols, decoded with the vocabulary of
    /// the data as this format opened it; null for images.</summary>
    public virtual Func<Tensor, IReadOnlyList<string>>? SampleText(IBatchSource opened) => null;

    /// <summary>Text data: the corpus as this format opened it (the n-gram scorers' reference); null for images.</summary>
    public virtual CharCorpus? Corpus(IBatchSource opened) => null;

    /// <summary>What `wgangp data` adds about the data as opened (skipped files, the vocabulary and first lines).</summary>
    public virtual IEnumerable<string> Inspect(IBatchSource opened) => [];

    public override string ToString() => Describe();
}
