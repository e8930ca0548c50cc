using WganGp.Core.Data;

namespace WganGp.Core.Training;

/// <summary>The part of a batch source a checkpoint saves: a stored set's sampler position or a toy set's generator.</summary>
public static class DataState
{
    public static byte[] Save(IBatchSource data) => data switch
    {
        IResumableBatchSource r => [.. BitConverter.GetBytes(r.Position.Epoch), .. BitConverter.GetBytes(r.Position.Offset)],
        ICheckpointableSource c => c.SaveState(),
        // A source without state to save cannot be resumed exactly; saying so beats resuming silently wrong.
        _ => throw new NotSupportedException($"data '{data.Name}' ({data.GetType().Name}) cannot save its position, so its runs cannot be checkpointed"),
    };

    public static void Restore(IBatchSource data, byte[] state)
    {
        switch (data)
        {
            case IResumableBatchSource r:
                if (state.Length != 16) throw new InvalidDataException($"data '{data.Name}': a saved sampler position has {state.Length} bytes, expected 16");
                r.Restore(new SamplerPosition(BitConverter.ToInt64(state, 0), BitConverter.ToInt64(state, 8)));
                break;
            case ICheckpointableSource c:
                c.RestoreState(state);
                break;
            default:
                throw new NotSupportedException($"data '{data.Name}' ({data.GetType().Name}) cannot restore a position");
        }
    }
}
