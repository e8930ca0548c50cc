using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// A ReLU multilayer perceptron without normalisation, as gan_toy.py's generator and critic: <c>layers</c> Linear layers
/// (in → width → … → width → out), ReLU between them, nothing after the last. Hidden layers use tflib's He-uniform
/// initialisation and the output layer Glorot-uniform, like the code (<see cref="InitScheme.PyTorch"/> keeps
/// TorchSharp's defaults).
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>, ILayerInputs
{
    readonly ModuleList<Linear> layers = new();

    public Mlp(int input, int width, int output, int layers, string name = "mlp", InitScheme init = InitScheme.Tflib) : base(name)
    {
        if (layers < 1) throw new ArgumentException($"an MLP needs at least one layer, got {layers}");
        for (int i = 0; i < layers; i++)
        {
            var linear = nn.Linear(i == 0 ? input : width, i == layers - 1 ? output : width);
            TflibInit.Linear(linear, he: i < layers - 1, init);
            this.layers.Add(linear);
        }
        RegisterComponents();
    }

    public int Depth => layers.Count;

    public override Tensor forward(Tensor x)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].call(x);
            if (i < layers.Count - 1) x = nn.functional.relu(x);
        }
        return x;
    }

    /// <summary>The forward pass that also returns the input of every Linear layer (the input itself, then each ReLU
    /// output), so gradients with respect to each layer's activations can be taken (Figure 1b).</summary>
    public Tensor Forward(Tensor x, List<Tensor> layerInputs)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            layerInputs.Add(x);
            x = layers[i].call(x);
            if (i < layers.Count - 1) x = nn.functional.relu(x);
        }
        return x;
    }
}
