using static TorchSharp.torch;

namespace WganGp.Core.Data;

/// <summary>A batch source whose items carry class labels (CIFAR-10, MNIST), for conditional models.</summary>
public interface ILabelledBatchSource : IBatchSource
{
    int Classes { get; }

    /// <summary>The next batch and its labels [B] (int64); the same order as <see cref="IBatchSource.NextBatch"/>.</summary>
    (Tensor Images, Tensor Labels) NextLabelled(int batchSize);
}
