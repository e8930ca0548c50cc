using System.Text.Json;

namespace WganGp.Core.Metrics.Classifier;

/// <summary>
/// The JSON sidecar of a trained <see cref="DatasetClassifier"/> (<c>weights.json</c> beside <c>weights</c>): what it was
/// trained on and how, its test accuracy, and the SHA-256 of the weights file, which identifies the checkpoint in every
/// score's protocol.
/// </summary>
public sealed record ClassifierCard(
    string Dataset,
    int InputSize,
    int Classes,
    long Seed,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double TestAccuracy,
    long TrainCount,
    long TestCount,
    double TrainSeconds,
    string Architecture = "",
    string WeightsSha256 = "")
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads a sidecar, naming the file and the field when it is missing or malformed.</summary>
    public static ClassifierCard Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"classifier sidecar {path} not found (written beside the weights by training)", path);
        ClassifierCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ClassifierCard>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a classifier sidecar ({e.Message})", e);
        }
        if (card is null) throw new InvalidDataException($"{path}: empty classifier sidecar");
        if (string.IsNullOrEmpty(card.Dataset)) throw new InvalidDataException($"{path}: field Dataset is missing");
        if (card.WeightsSha256 is not { Length: 64 }) throw new InvalidDataException($"{path}: field WeightsSha256 must be 64 hex digits, got '{card.WeightsSha256}'");
        if (card.InputSize < 4 || card.InputSize % 4 != 0) throw new InvalidDataException($"{path}: field InputSize must be a positive multiple of 4, got {card.InputSize}");
        if (card.Classes < 2) throw new InvalidDataException($"{path}: field Classes must be at least 2, got {card.Classes}");
        return card;
    }

    /// <summary>The card as indented JSON, as in the sidecar.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
