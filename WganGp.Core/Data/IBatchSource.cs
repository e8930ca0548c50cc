using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>A stream of real training batches (CPU tensors; the trainer moves them to its device).</summary>
public interface IBatchSource
{
    string Name { get; }
    Tensor NextBatch(int batchSize);
}
