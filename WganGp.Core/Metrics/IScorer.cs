using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>Scores a run's final samples without its critic. Names are the columns of the result tables.</summary>
public interface IScorer
{
    IReadOnlyDictionary<string, double> Score(Tensor samples);

    /// <summary>Every score it writes, with its direction and companions.</summary>
    IReadOnlyList<ScoreDeclaration> Declares { get; }

    /// <summary>What every score of this scorer means (backbone, weights hash, feature layer, N generated, reference set
    /// and N, splits, resize, seeds), written beside the scores in protocol.json; empty for self-describing scores.</summary>
    IReadOnlyDictionary<string, string> Protocol => new Dictionary<string, string>();
}
