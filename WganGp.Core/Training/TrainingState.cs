using TorchSharp;
using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>Everything of a run that changes as it trains and that a checkpoint therefore saves (besides torch's RNG).</summary>
public sealed record TrainingState(
    nn.Module<Tensor, Tensor> Generator,
    nn.Module<Tensor, Tensor> Critic,
    optim.Optimizer? GeneratorOptimizer,
    optim.Optimizer CriticOptimizer,
    IBatchSource Data);
