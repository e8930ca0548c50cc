namespace WganGp.Core.Nets;

/// <summary>
/// gan_cifar.py's critic (Figure 3), 32×32×3: convs 3 → dim → 2·dim → 4·dim, Linear 8192 → 1 at dim 128
/// (<see cref="TflibDcganCritic"/>). The code's N is batch norm, except under WGAN-GP where there is none: pass
/// the cell builder's choice (Cells.normalisers). `channels` other than 3 (1: grayscale) changes only the first convolution.
/// </summary>
public sealed class CifarDcganCritic(int dim = 128, Normaliser norm = Normaliser.None, InitScheme init = InitScheme.Tflib, int channels = 3)
    : TflibDcganCritic("cifar-dcgan-critic", channels, dim, norm, init);
