namespace WganGp.Core.Nets;

/// <summary>
/// gan_mnist.py's critic, 28×28×1: convs 1 → dim → 2·dim → 4·dim (28 → 14 → 7 → 4), Linear 4096 → 1 at dim 64
/// (<see cref="TflibDcganCritic"/>). N is batch norm only under clipping: pass the cell builder's choice (Cells.normalisers).
/// </summary>
public sealed class MnistDcganCritic(int dim = 64, Normaliser norm = Normaliser.None, InitScheme init = InitScheme.Tflib)
    : TflibDcganCritic("mnist-dcgan-critic", 1, dim, norm, init);
