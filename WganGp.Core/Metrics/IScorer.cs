using static TorchSharp.torch;

namespace WganGp.Core.Metrics;

/// <summary>Scores a run's final samples without its critic. Names are the columns of the result tables.</summary>
public interface IScorer
{
    IReadOnlyDictionary<string, double> Score(Tensor samples);
}
