using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>A stream of real training batches (CPU tensors; the trainer moves them to its device).</summary>
public interface IBatchSource
{
    string Name { get; }

    /// <summary>The shape of one item of a batch, e.g. [3, 64, 64] for images or [2] for toy points.</summary>
    long[] ItemShape { get; }
    Tensor NextBatch(int batchSize);
}
