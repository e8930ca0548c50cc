namespace WganGp.Core.Metrics.Inception;

/// <summary>How an <see cref="InceptionExtractor"/> runs; every choice is part of the score's protocol.</summary>
/// <param name="Resize">To 299×299: TF1-exact (torch-fidelity, the TF graph) by default, or pytorch-fid's.</param>
/// <param name="LogitsWithBias">Add fc's bias to the logits. Off by default: the TF IS uses softmax/logits/MatMul,
/// which has no bias (spec §1, step 3).</param>
/// <param name="BatchSize">Images per forward pass (pytorch-fid's 50); it does not change the results.</param>
public sealed record InceptionExtractorOptions(
    InceptionResize Resize = InceptionResize.Tf1Bilinear,
    bool LogitsWithBias = false,
    int BatchSize = 50);
