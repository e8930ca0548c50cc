using TorchSharp;
using WganGp.Core.Nets;
using static TorchSharp.torch;

namespace WganGp.Core.Methods;

/// <summary>
/// AC-GAN conditioning on top of a method, as gan_cifar_resnet.py's AC-WGAN-GP: the critic's loss adds
/// <see cref="CriticClassWeight"/> × cross-entropy of its class head on the real batch (real samples only), the
/// generator's adds <see cref="GeneratorClassWeight"/> × cross-entropy on fakes of uniformly random labels. Critic-step
/// fakes use the real batch's labels. The penalty is taken on the critic's score alone. Needs labelled data, an
/// <see cref="IConditionalGenerator"/> and an <see cref="IClassifyingCritic"/>; anything else is refused with a message.
/// </summary>
public sealed record AuxiliaryClassifierMethod : Method
{
    public AuxiliaryClassifierMethod(Method method, double criticClassWeight = 1.0, double generatorClassWeight = 0.1)
        : base(method)
    {
        CriticClassWeight = criticClassWeight;
        GeneratorClassWeight = generatorClassWeight;
    }

    public double CriticClassWeight { get; init; }
    public double GeneratorClassWeight { get; init; }

    public override bool NeedsClassLabels => true;

    public override CriticStepStats CriticStep(StepContext ctx, bool record, bool measureGradientNorm)
    {
        var (generator, critic) = Parts(ctx);
        var (real, labels) = (ctx.NextLabelledBatch ?? throw new InvalidOperationException(
            $"method '{Name}' needs labelled real batches (a dataset with labels, e.g. CIFAR-10)"))();
        Tensor fake;
        using (no_grad()) fake = Generate(generator, ctx.NextLatent(), labels);
        var (dReal, logits) = critic.ForwardWithClasses(real);
        var dFake = ctx.Critic.call(fake);
        var penalty = Constraint.Penalty(ctx.Critic, real, fake);
        var classLoss = nn.functional.cross_entropy(logits, labels);
        var total = CriticLoss.Compute(dReal, dFake) + CriticClassWeight * classLoss;
        if (penalty is not null) total += penalty.Value;
        var stats = Update(ctx, total, penalty, real, fake, dReal, dFake, record, measureGradientNorm);
        return record ? stats with { Extra = new Dictionary<string, double> { [CriticClassLoss] = classLoss.item<float>() } } : stats;
    }

    public override GeneratorStepStats GeneratorStep(StepContext ctx)
    {
        var (generator, critic) = Parts(ctx);
        var z = GeneratorLatent(ctx);
        var labels = randint(generator.Classes, z.shape[0], dtype: int64, device: z.device);
        Tensor? classLoss = null;
        var loss = WithCriticFrozen(ctx, () =>
        {
            var (score, logits) = critic.ForwardWithClasses(Generate(generator, z, labels));
            classLoss = nn.functional.cross_entropy(logits, labels);
            return GeneratorLoss.Compute(score) + GeneratorClassWeight * classLoss;
        });
        return new GeneratorStepStats(loss) { Extra = new Dictionary<string, double> { [GeneratorClassLoss] = classLoss!.item<float>() } };
    }

    /// <summary>The class heads' cross-entropies, unweighted: on the critic step's real batch, and on the generator
    /// step's fakes of uniform labels.</summary>
    public const string CriticClassLoss = "critic_class_loss", GeneratorClassLoss = "generator_class_loss";

    public override IReadOnlyList<string> ExtraScalars => new[] { CriticClassLoss, GeneratorClassLoss };

    public override IReadOnlyDictionary<string, object> Describe() => new Dictionary<string, object>(base.Describe())
    {
        ["acgan_critic_weight"] = CriticClassWeight,
        ["acgan_generator_weight"] = GeneratorClassWeight,
    };

    (IConditionalGenerator Generator, IClassifyingCritic Critic) Parts(StepContext ctx) =>
        (ctx.Generator as IConditionalGenerator
            ?? throw new InvalidOperationException($"method '{Name}' needs a conditional generator, got {ctx.Generator.GetType().Name}"),
         ctx.Critic as IClassifyingCritic
            ?? throw new InvalidOperationException($"method '{Name}' needs a critic with a class head, got {ctx.Critic.GetType().Name}"));
}
