using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Classifier;

/// <summary>
/// A small CNN for classifier scores on 1-channel datasets without Inception weights (Fashion-MNIST, MNIST):
/// conv 1→32 k3 p1 → ReLU → max pool 2 → conv 32→64 k3 p1 → ReLU → max pool 2 → flatten 64·(S/4)² → Linear → 128 →
/// ReLU (the "penultimate" features, 128-d) → Linear 128 → 10 (logits). Input [N, 1, S, S] in [−1, 1], S = the input
/// size (28, or 32 for padded Fashion-MNIST; a multiple of 4). No dropout or batch norm, so training and evaluation
/// compute the same function and features are deterministic.
/// </summary>
public sealed class DatasetClassifier : nn.Module<Tensor, Tensor>
{
    public const int FeatureDim = 128;

    readonly Conv2d conv1, conv2;
    readonly Linear hidden, output;

    public DatasetClassifier(int inputSize = 28, int classes = 10) : base("dataset-classifier")
    {
        if (inputSize < 4 || inputSize % 4 != 0)
            throw new ArgumentException($"input size must be a positive multiple of 4 (two 2× poolings), got {inputSize}", nameof(inputSize));
        if (classes < 2) throw new ArgumentException($"a classifier needs at least 2 classes, got {classes}", nameof(classes));
        InputSize = inputSize;
        Classes = classes;
        conv1 = nn.Conv2d(1, 32, 3, padding: 1);
        conv2 = nn.Conv2d(32, 64, 3, padding: 1);
        hidden = nn.Linear(64L * (inputSize / 4) * (inputSize / 4), FeatureDim);
        output = nn.Linear(FeatureDim, classes);
        RegisterComponents();
    }

    public int InputSize { get; }

    public int Classes { get; }

    /// <summary>The sidecar of the file this network was loaded from or saved to; null for a fresh network.</summary>
    public ClassifierCard? Card { get; private set; }

    /// <summary>The architecture in one line, as recorded in the sidecar.</summary>
    public string Architecture =>
        $"conv1x32k3p1-relu-maxpool2-conv32x64k3p1-relu-maxpool2-fc{64 * (InputSize / 4) * (InputSize / 4)}x{FeatureDim}-relu-fc{FeatureDim}x{Classes}; input 1x{InputSize}x{InputSize} in [-1,1]";

    /// <summary>Logits [N, classes].</summary>
    public override Tensor forward(Tensor x) => FeaturesAndLogits(x).Logits;

    /// <summary>The penultimate features [N, 128] (after the ReLU) and the logits [N, classes] of one pass.</summary>
    public (Tensor Features, Tensor Logits) FeaturesAndLogits(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = nn.functional.max_pool2d(nn.functional.relu(conv1.call(x)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(conv2.call(x)), 2);
        var features = nn.functional.relu(hidden.call(x.flatten(1)));
        var logits = output.call(features);
        return (features.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    /// <summary>Saves the weights (TorchSharp format) to <paramref name="path"/> and the card, completed with the
    /// architecture and the file's SHA-256, to <c>path.json</c>; returns the completed card.</summary>
    public ClassifierCard Save(string path, ClassifierCard card)
    {
        if (card.InputSize != InputSize || card.Classes != Classes)
            throw new ArgumentException($"card for a {card.InputSize}x{card.InputSize} {card.Classes}-class classifier, network is {InputSize}x{InputSize} with {Classes} classes");
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        save(path);
        var completed = card with { Architecture = Architecture, WeightsSha256 = Sha256Of(path) };
        File.WriteAllText(SidecarOf(path), JsonSerializer.Serialize(completed, ClassifierCard.Json));
        Card = completed;
        return completed;
    }

    /// <summary>Loads a network saved by <see cref="Save"/>, refusing a weights file whose SHA-256 differs from its
    /// sidecar's (a file replaced or corrupted after training).</summary>
    public static DatasetClassifier Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"classifier weights {path} not found", path);
        var card = ClassifierCard.Read(SidecarOf(path));
        var actual = Sha256Of(path);
        if (!string.Equals(actual, card.WeightsSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"{path}: SHA-256 {actual} does not match {card.WeightsSha256} recorded in {SidecarOf(path)}; the weights were changed after training");
        var network = new DatasetClassifier(card.InputSize, card.Classes);
        try
        {
            network.load(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            network.Dispose();
            throw new InvalidDataException($"{path}: not the weights of a {network.Architecture} ({e.Message})", e);
        }
        network.eval();
        network.Card = card;
        return network;
    }

    /// <summary>Where the sidecar of a weights file lives: the same path with ".json" appended.</summary>
    public static string SidecarOf(string path) => path + ".json";

    /// <summary>SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
