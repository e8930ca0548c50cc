namespace WganGp.Core.Metrics.Inception;

/// <summary>Which InceptionV3: the two share parameter names and shapes but not their pools, so they give different
/// features from the same weights.</summary>
public enum InceptionFlavour
{
    /// <summary>torchvision's Inception3 (1000 classes, optional AuxLogits): for torchvision's ImageNet weights.</summary>
    Torchvision,

    /// <summary>pytorch-fid's / torch-fidelity's port of the TF 2015-12-05 graph (1008 classes, no AuxLogits): blocks
    /// A, C and E_1 average without counting padding, Mixed_7c max-pools. The network of FID, KID and IS.</summary>
    Fid,
}
