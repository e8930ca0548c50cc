using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>
/// A GAN training method as a value: critic loss, generator loss, Lipschitz constraint, the optimiser it was published
/// with (used for both networks), and critic steps per generator step. The trainer only loops; the method owns its
/// steps (as in mimicry), and a variant that needs a different step can derive and override one.
/// </summary>
public record Method(
    string Name,
    CriticLoss CriticLoss,
    GeneratorLoss GeneratorLoss,
    ILipschitzConstraint Constraint,
    OptimizerSpec Optimizer,
    int CriticIterations)
{
    public Method WithName(string name) => this with { Name = name };
    public Method WithOptimizer(OptimizerSpec optimizer) => this with { Optimizer = optimizer };
    public Method WithConstraint(ILipschitzConstraint constraint) => this with { Constraint = constraint };
    public Method WithCriticIterations(int n) => this with { CriticIterations = n };

    /// <summary>Generator steps use this many times the critic's batch size (gan_cifar_resnet.py: 2).</summary>
    public int GeneratorBatchMultiple { get; init; } = 1;

    public Method WithGeneratorBatchMultiple(int multiple) =>
        multiple >= 1 ? this with { GeneratorBatchMultiple = multiple }
                      : throw new ArgumentOutOfRangeException(nameof(multiple), multiple, "the generator batch multiple must be at least 1");

    /// <summary>The generator runs on its batch in this many equal parts, each with its own batch-norm statistics, as
    /// gan_cifar_resnet.py's two GPU towers do (its generator's batch norm sees 32 of a critic step's 64 fakes and 64 of
    /// a generator step's 128); 1: the whole batch at once. Losses are still means over the whole batch.</summary>
    public int GeneratorTowers { get; init; } = 1;

    public Method WithGeneratorTowers(int towers) =>
        towers >= 1 ? this with { GeneratorTowers = towers }
                    : throw new ArgumentOutOfRangeException(nameof(towers), towers, "the number of generator towers must be at least 1");

    /// <summary>One critic update on a fresh real batch and fresh z; the fake batch is produced without gradient, so
    /// nothing reaches the generator. The same fake batch feeds D(x̃) and the interpolates (as the paper's code).
    /// Only the loss is read back on every step (to detect divergence); the other scalars, each a device sync, are read
    /// when <paramref name="record"/> is set (the step that goes into the log), and methods without a penalty measure
    /// the input-gradient norm only when <paramref name="measureGradientNorm"/> is set.</summary>
    public virtual CriticStepStats CriticStep(StepContext ctx, bool record, bool measureGradientNorm)
    {
        var real = ctx.NextRealBatch();
        var fake = FakeBatch(ctx, real);

        var dReal = ctx.Critic.call(real);
        var dFake = ctx.Critic.call(fake);
        var loss = CriticLoss.Compute(dReal, dFake);
        var penalty = Constraint.Penalty(ctx.Critic, real, fake);
        var total = penalty is null ? loss : loss + penalty.Value;
        return Update(ctx, total, penalty, real, fake, dReal, dFake, record, measureGradientNorm);
    }

    /// <summary>The fake batch of a critic step, without gradient: the generator on fresh z (in
    /// <see cref="GeneratorTowers"/> parts). A method whose fakes depend on the real batch overrides this
    /// (<see cref="FixedGeneratorMethod"/>).</summary>
    protected virtual Tensor FakeBatch(StepContext ctx, Tensor real)
    {
        using var _ = no_grad();
        return Generate(ctx.Generator, ctx.NextLatent());
    }

    /// <summary>The generator on <paramref name="z"/>, in <see cref="GeneratorTowers"/> equal parts concatenated.</summary>
    protected Tensor Generate(nn.Module<Tensor, Tensor> generator, Tensor z) =>
        GeneratorTowers == 1 ? generator.call(z) : cat(z.chunk(GeneratorTowers).Select(part => generator.call(part)).ToList(), 0);

    /// <summary>A conditional generator on <paramref name="z"/> and <paramref name="labels"/>, in
    /// <see cref="GeneratorTowers"/> equal parts concatenated.</summary>
    protected Tensor Generate(Nets.IConditionalGenerator generator, Tensor z, Tensor labels)
    {
        if (GeneratorTowers == 1) return generator.Forward(z, labels);
        var (zs, ls) = (z.chunk(GeneratorTowers), labels.chunk(GeneratorTowers));
        return cat(zs.Zip(ls, (part, label) => generator.Forward(part, label)).ToList(), 0);
    }

    /// <summary>The end of every critic step: one optimiser step on <paramref name="total"/>, the constraint's
    /// after-step (clipping), and the scalars read back as <see cref="CriticStep"/> describes.</summary>
    protected CriticStepStats Update(StepContext ctx, Tensor total, PenaltyTerm? penalty, Tensor real, Tensor fake,
                                     Tensor dReal, Tensor dFake, bool record, bool measureGradientNorm)
    {
        ctx.CriticOptimizer.zero_grad();
        total.backward();
        ctx.CriticOptimizer.step();
        Constraint.AfterCriticStep(ctx.Critic);

        double totalLoss = total.item<float>();
        if (!record) return new CriticStepStats(totalLoss, double.NaN, double.NaN, double.NaN);
        double gradNorm = double.NaN, probeSeconds = 0;
        if (penalty is not null) gradNorm = penalty.MeanGradientNorm.item<float>();   // a by-product of the penalty
        else if (measureGradientNorm)
        {
            var started = Stopwatch.GetTimestamp();
            gradNorm = MeasureGradientNorm(ctx.Critic, real, fake);
            probeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        return new CriticStepStats(
            totalLoss,
            (dReal.mean() - dFake.mean()).item<float>(),
            penalty is null ? 0.0 : penalty.Value.item<float>(),
            gradNorm) { ProbeSeconds = probeSeconds };
    }

    /// <summary>z for a generator step: <see cref="GeneratorBatchMultiple"/> × the batch size.</summary>
    protected Tensor GeneratorLatent(StepContext ctx) =>
        GeneratorBatchMultiple == 1 ? ctx.NextLatent()
        : (ctx.NextLatents ?? throw new InvalidOperationException(
            $"method '{Name}' trains its generator on {GeneratorBatchMultiple}x the batch, but this step context draws z of the batch size only"))(GeneratorBatchMultiple);

    /// <summary>One generator update on fresh z. The critic's parameters are frozen for it so no work is spent on their
    /// gradients.</summary>
    public virtual GeneratorStepStats GeneratorStep(StepContext ctx) =>
        new(WithCriticFrozen(ctx, () => GeneratorLoss.Compute(ctx.Critic.call(Generate(ctx.Generator, GeneratorLatent(ctx))))));

    /// <summary>The names of the scalars this method reports beyond the standard ones (critic loss, Wasserstein
    /// estimate, penalty, generator loss, gradient norm), in the order the log's extra columns take. Its steps put them
    /// in <see cref="CriticStepStats.Extra"/> and <see cref="GeneratorStepStats.Extra"/>.</summary>
    public virtual IReadOnlyList<string> ExtraScalars => Array.Empty<string>();

    /// <summary>Whether the method needs a class-conditional pair and labelled data (AC-WGAN-GP); a grid pairing it with
    /// anything else is refused when it is planned.</summary>
    public virtual bool NeedsClassLabels => false;

    /// <summary>One generator optimiser step on the loss <paramref name="makeLoss"/> builds, with the critic's parameters
    /// frozen meanwhile.</summary>
    protected static double WithCriticFrozen(StepContext ctx, Func<Tensor> makeLoss)
    {
        foreach (var p in ctx.Critic.parameters()) p.requires_grad = false;
        try
        {
            var loss = makeLoss();
            ctx.GeneratorOptimizer!.zero_grad();
            loss.backward();
            ctx.GeneratorOptimizer.step();
            return loss.item<float>();
        }
        finally
        {
            foreach (var p in ctx.Critic.parameters()) p.requires_grad = true;
        }
    }

    /// <summary>Mean input-gradient norm at the paper's interpolates, for methods without a penalty (for the log only).</summary>
    static double MeasureGradientNorm(nn.Module<Tensor, Tensor> critic, Tensor real, Tensor fake) =>
        GradientPenalty.InputGradientNorms(critic, GradientPenalty.Interpolate(real, fake), createGraph: false).mean().item<float>();

    public virtual IReadOnlyDictionary<string, object> Describe()
    {
        var description = new Dictionary<string, object>
        {
            ["name"] = Name,
            ["critic_loss"] = CriticLoss.Name,
            ["generator_loss"] = GeneratorLoss.Name,
            ["constraint"] = Constraint.Describe(),
            ["optimizer"] = Optimizer.Describe(),
            ["critic_iterations"] = CriticIterations,
        };
        // Only when set, so the descriptions (and cell ids) of methods without it stay as they were.
        if (GeneratorBatchMultiple != 1) description["generator_batch_multiple"] = GeneratorBatchMultiple;
        if (GeneratorTowers != 1) description["generator_towers"] = GeneratorTowers;
        return description;
    }
}
