using static TorchSharp.torch;

namespace WganGp.Core.Nets;

/// <summary>
/// A network that can report the input of each of its layers during a forward pass, so gradients with respect to each
/// layer's activations can be taken (Figure 1b's per-layer gradient norms). An architecture whose critic implements it
/// can be Figure 1b's.
/// </summary>
public interface ILayerInputs
{
    /// <summary>The forward pass that also appends the input of every layer to <paramref name="layerInputs"/>.</summary>
    Tensor Forward(Tensor x, List<Tensor> layerInputs);
}
