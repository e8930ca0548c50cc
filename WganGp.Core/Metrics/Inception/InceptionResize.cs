namespace WganGp.Core.Metrics.Inception;

/// <summary>How images are brought to 299×299 and into the network's [−1, 1] range (spec §2).</summary>
public enum InceptionResize
{
    /// <summary>torch-fidelity / the TF graph: 0..255 values, TF1 ResizeBilinear (align_corners=False, no half-pixel
    /// offset), then (x − 128) / 128.</summary>
    Tf1Bilinear,

    /// <summary>pytorch-fid: x / 255 ∈ [0, 1], PyTorch bilinear (align_corners=False, half-pixel), then 2x − 1.</summary>
    PyTorchBilinear,
}
