using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>
/// gan_toy.py's FIXED_GENERATOR mode (Figure 1a) on top of a method: only the critic trains, and each critic step's fakes
/// are its own real batch plus N(0, σ²I) noise (<c>fake = real + randn</c>), so every interpolate x̂ = x + (1 − ε)·n lies
/// near the real point it came from. The generator module is not used by the steps (give it no parameters, e.g.
/// <see cref="Nets.NoiseAroundData"/>, so the trainer takes no generator step); it only serves for sampling.
/// </summary>
public sealed record FixedGeneratorMethod : Method
{
    public FixedGeneratorMethod(Method method, double noiseStd = 1.0) : base(method)
    {
        if (!(noiseStd > 0)) throw new ArgumentOutOfRangeException(nameof(noiseStd), noiseStd, "the noise's standard deviation must be positive");
        NoiseStd = noiseStd;
    }

    public double NoiseStd { get; init; }

    protected override Tensor FakeBatch(StepContext ctx, Tensor real) => real + NoiseStd * randn_like(real);

    public override GeneratorStepStats GeneratorStep(StepContext ctx) =>
        throw new InvalidOperationException($"method '{Name}' holds the generator fixed at real data plus noise: it takes no generator step");

    public override IReadOnlyDictionary<string, object> Describe() => new Dictionary<string, object>(base.Describe())
    {
        ["fixed_generator"] = $"real + N(0, {NoiseStd}^2 I) on the critic's real batch",
    };
}
