namespace WganGp.Core.Data;

/// <summary>A batch source whose position can be saved and restored, so a resumed run sees the batches an
/// uninterrupted one would. Disposing it releases what it reads from.</summary>
public interface IResumableBatchSource : IBatchSource, IDisposable
{
    SamplerPosition Position { get; }
    void Restore(SamplerPosition position);
}
