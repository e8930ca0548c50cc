namespace WganGp.Core.Nets;

/// <summary>
/// All a network learns of the method that trains it: what the method's Lipschitz constraint declares. An architecture's
/// normaliser rule reads these, never the method's type, so a new penalty that does not tolerate batch norm gets each
/// script's per-sample replacement without any change here.
/// </summary>
/// <param name="ToleratesBatchNorm">False for a per-sample penalty: batch norm would couple the samples it is taken over.</param>
/// <param name="ClipsWeights">Weight clipping (gan_mnist.py keys its batch norm on the mode 'wgan').</param>
public readonly record struct CriticNeeds(bool ToleratesBatchNorm, bool ClipsWeights);
