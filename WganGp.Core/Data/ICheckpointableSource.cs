namespace WganGp.Core.Data;

/// <summary>A batch source with internal random state (the toy distributions' generators) that a checkpoint saves, so
/// a resumed run draws exactly the batches an uninterrupted one would. Sources over stored data use
/// <see cref="IResumableBatchSource"/>'s position instead.</summary>
public interface ICheckpointableSource
{
    byte[] SaveState();

    /// <summary>Restores a state <see cref="SaveState"/> returned; anything else is an error naming the source.</summary>
    void RestoreState(byte[] state);
}
