using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using WganGp.Core.Numerics;

namespace WganGp.Core.Nets;

/// <summary>
/// <c>count</c> × (3×3 stride-1 'SAME' conv channels → channels → N → nonlinearity): the extra layers that give a
/// random architecture its depth (<see cref="Dcgan32Depth"/>). Count 0 is the identity. tflib init (He).
/// </summary>
public sealed class Conv3x3Stack : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Conv2d> convs = new();
    readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    readonly Nonlinearity nonlinearity;

    public Conv3x3Stack(long channels, int count, Normaliser norm, Nonlinearity nonlinearity, InitScheme init = InitScheme.Tflib)
        : base("conv3x3-stack")
    {
        this.nonlinearity = nonlinearity;
        for (var i = 0; i < count; i++)
        {
            convs.Add(nn.Conv2d(channels, channels, 3, padding: 1));   // 'SAME' at stride 1 is symmetric for odd kernels
            norms.Add(NormaliserLayers.For2d(norm, channels));
        }
        RegisterComponents();
        foreach (var conv in convs) TflibInit.Conv(conv, scheme: init);
    }

    public int Count => convs.Count;

    public override Tensor forward(Tensor x)
    {
        if (convs.Count == 0) return x.alias();
        using var scope = NewDisposeScope();
        for (var i = 0; i < convs.Count; i++) x = nonlinearity.Apply(norms[i].call(convs[i].Routed(x)));
        return x.MoveToOuterDisposeScope();
    }
}
