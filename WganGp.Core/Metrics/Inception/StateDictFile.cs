using System.Collections;
using System.Security.Cryptography;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Inception;

/// <summary>
/// PyTorch state_dict files (<c>torch.save(model.state_dict(), f)</c>, the zip format of torch ≥ 1.6) read with
/// TorchSharp.PyBridge's unpickler, and copied into a module with every key and shape checked first, so a wrong file
/// fails with the names of what is missing, unexpected or mis-shaped instead of half-loading. (PyBridge 1.4.4's own
/// load_py checks keys only, and reads each tensor through an as_strided view of the target, whatever its shape.)
/// </summary>
public static class StateDictFile
{
    /// <summary>Every tensor of the file by key, on the CPU. The caller disposes them.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no weight file at {path}", path);
        using var stream = File.OpenRead(path);
        var magic = new byte[4];
        var read = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (read < 4 || magic[0] != (byte)'P' || magic[1] != (byte)'K' || magic[2] != 3 || magic[3] != 4)
        {
            var what = read > 0 && magic[0] == 0x80 ? "a legacy (non-zip) torch.save pickle" : "not a zip file";
            throw new InvalidDataException(
                $"{path} is {what}; only the zip format of torch.save is read: re-save it with torch ≥ 1.6, e.g. " +
                "torch.save(torch.load(old), new)");
        }
        stream.Position = 0;
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException(
                $"{path} is a zip file but not a readable PyTorch state_dict (save model.state_dict(), not the model): {e.Message}", e);
        }
        var tensors = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string key && entry.Value is Tensor t) tensors[key] = t;
        }
        return tensors;
    }

    /// <summary>Copies <paramref name="tensors"/> into <paramref name="module"/>'s parameters and buffers. Every key of
    /// the module must be in the file (except those <paramref name="mayBeAbsent"/> accepts), the file may hold no other
    /// key, and shapes must agree; otherwise nothing is copied and the exception names the file and the keys.</summary>
    public static void LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string path,
        Func<string, bool> mayBeAbsent, string expected)
    {
        var state = module.state_dict();
        var missing = state.Keys.Where(k => !tensors.ContainsKey(k) && !mayBeAbsent(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var misShaped = tensors
            .Where(kv => state.TryGetValue(kv.Key, out var target) && !target.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: file {Shape(kv.Value)}, expected {Shape(state[kv.Key])}")
            .ToList();
        if (missing.Count + unexpected.Count + misShaped.Count > 0)
        {
            var problems = new List<string>();
            if (missing.Count > 0) problems.Add($"missing keys {Some(missing)}");
            if (unexpected.Count > 0) problems.Add($"unexpected keys {Some(unexpected)}");
            if (misShaped.Count > 0) problems.Add($"shape mismatches {Some(misShaped)}");
            throw new InvalidDataException($"{path} does not hold the state_dict of {expected}: {string.Join("; ", problems)}");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (key, source) in tensors)
        {
            var target = state[key];
            target.copy_(source.to(target.device));
        }
    }

    /// <summary>SHA-256 of the file, lower-case hex: the weights' identity in every score's protocol.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    static string Some(IReadOnlyList<string> items, int shown = 10) =>
        "[" + string.Join(", ", items.Take(shown)) + (items.Count > shown ? $", … ({items.Count - shown} more)" : "") + "]";
}
