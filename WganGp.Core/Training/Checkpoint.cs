using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>
/// One checkpoint file: a magic number, a JSON <see cref="CheckpointHeader"/>, the generator and critic, both optimisers'
/// states (Adam's moments and step counts), torch's CPU RNG and an end marker; written atomically
/// (<see cref="AtomicFile"/>). The header's parameter shapes are checked before anything is loaded, so a checkpoint of
/// another architecture is refused with the first difference named instead of failing inside TorchSharp.
/// </summary>
public static class Checkpoint
{
    const string Magic = "WGANGP-CHECKPOINT", End = "END";
    const int Version = 1;

    public static void Save(string path, TrainingState state, CheckpointHeader header)
    {
        header = header with
        {
            Generator = Shapes(state.Generator),
            Critic = Shapes(state.Critic),
            HasGeneratorOptimizer = state.GeneratorOptimizer is not null,
            Data = DataState.Save(state.Data),
        };
        using var rng = torch.get_rng_state();
        var rngBytes = rng.data<byte>().ToArray();
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(JsonSerializer.Serialize(header));
            state.Generator.save(writer);
            state.Critic.save(writer);
            Helper(state.CriticOptimizer, path).save_state_dict(writer);
            if (state.GeneratorOptimizer is not null) Helper(state.GeneratorOptimizer, path).save_state_dict(writer);
            writer.Write(rngBytes.Length);
            writer.Write(rngBytes);
            writer.Write(End);
        });
    }

    /// <summary>The header alone (cheap: the networks are not read).</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var reader = Open(path);
        return ReadHeader(reader, path);
    }

    /// <summary>Loads a checkpoint into a freshly built run (same architectures, same method) and returns its header.</summary>
    public static CheckpointHeader Load(string path, TrainingState state)
    {
        using var reader = Open(path);
        var header = ReadHeader(reader, path);
        CheckShapes(path, "generator", header.Generator, Shapes(state.Generator));
        CheckShapes(path, "critic", header.Critic, Shapes(state.Critic));
        if (header.HasGeneratorOptimizer != (state.GeneratorOptimizer is not null))
            throw new InvalidDataException($"{path}: the checkpoint {(header.HasGeneratorOptimizer ? "has" : "has no")} generator optimiser but this run {(state.GeneratorOptimizer is null ? "has none" : "has one")}");
        Guard(path, () =>
        {
            state.Generator.load(reader);
            state.Critic.load(reader);
            Helper(state.CriticOptimizer, path).load_state_dict(reader);
            if (state.GeneratorOptimizer is not null) Helper(state.GeneratorOptimizer, path).load_state_dict(reader);
            var rngBytes = reader.ReadBytes(reader.ReadInt32());
            using var rng = tensor(rngBytes, dtype: ScalarType.Byte);
            torch.set_rng_state(rng);
            if (reader.ReadString() != End) throw new InvalidDataException("the end marker is missing");
        });
        DataState.Restore(state.Data, header.Data);
        return header;
    }

    /// <summary>Loads only the generator's weights (for sampling and scoring a finished run).</summary>
    public static CheckpointHeader LoadGenerator(string path, nn.Module<Tensor, Tensor> generator)
    {
        using var reader = Open(path);
        RequireEndMarker(reader.BaseStream, path);
        var header = ReadHeader(reader, path);
        CheckShapes(path, "generator", header.Generator, Shapes(generator));
        Guard(path, () => generator.load(reader));
        return header;
    }

    /// <summary>A checkpoint cut short (a copy that stopped, a disk that filled) lacks the end marker written last; reading
    /// only the generator would not notice, so the file's last bytes are checked first.</summary>
    static void RequireEndMarker(Stream stream, string path)
    {
        var marker = new byte[End.Length + 1];
        if (stream.Length >= marker.Length)
        {
            stream.Seek(-marker.Length, SeekOrigin.End);
            stream.ReadExactly(marker);
            stream.Seek(0, SeekOrigin.Begin);
            if (marker[0] == End.Length && System.Text.Encoding.ASCII.GetString(marker, 1, End.Length) == End) return;
        }
        throw new InvalidDataException($"{path}: unreadable checkpoint: it is cut short (the end marker is missing)");
    }

    static BinaryReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path} does not exist", path);
        return new BinaryReader(File.OpenRead(path), System.Text.Encoding.UTF8, leaveOpen: false);
    }

    static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        CheckpointHeader? header = null;
        Guard(path, () =>
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException("not a WganGp checkpoint (wrong magic)");
            var version = reader.ReadInt32();
            if (version != Version) throw new InvalidDataException($"checkpoint format {version}, this build reads {Version}");
            header = JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadString());
        });
        return header ?? throw new InvalidDataException($"{path}: empty checkpoint header");
    }

    // Truncated or garbled files surface as end-of-stream or format errors deep in the readers: name the file instead.
    static void Guard(string path, Action read)
    {
        try { read(); }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or JsonException
                                      or ArgumentException or IOException)
        {
            throw new InvalidDataException($"{path}: unreadable checkpoint: {e.Message}", e);
        }
    }

    static OptimizerHelper Helper(optim.Optimizer optimizer, string path) => optimizer as OptimizerHelper
        ?? throw new NotSupportedException($"{path}: optimiser {optimizer.GetType().Name} cannot save its state");

    static Dictionary<string, string> Shapes(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => "[" + string.Join(", ", kv.Value.shape) + "]");

    static void CheckShapes(string path, string network, Dictionary<string, string> saved, Dictionary<string, string> built)
    {
        foreach (var (name, shape) in built)
        {
            if (!saved.TryGetValue(name, out var savedShape))
                throw new InvalidDataException($"{path}: the checkpoint belongs to another {network}: it has no '{name}' (this {network} has {built.Count} tensors, the checkpoint's {saved.Count})");
            if (savedShape != shape)
                throw new InvalidDataException($"{path}: the checkpoint belongs to another {network}: '{name}' is {savedShape} there but {shape} here");
        }
        foreach (var name in saved.Keys)
            if (!built.ContainsKey(name))
                throw new InvalidDataException($"{path}: the checkpoint belongs to another {network}: it has '{name}', which this {network} lacks");
    }
}
