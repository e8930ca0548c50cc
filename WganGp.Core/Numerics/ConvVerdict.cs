namespace WganGp.Core.Numerics;

/// <summary>What this machine computes for one convolution shape: the check of libtorch's kernels as they are and,
/// when that is wrong, the check of the route around them. The shape is routed exactly when libtorch's result is
/// wrong; a shape wrong both ways cannot be trained on.</summary>
public sealed record ConvVerdict(ConvShape Shape, ConvCheck Unrouted, ConvCheck? Routed)
{
    /// <summary>Whether the networks compute this shape through the route.</summary>
    public bool Route => !Unrouted.Ok;

    /// <summary>Whether the networks compute this shape right (unrouted, or routed where that is needed).</summary>
    public bool Right => Unrouted.Ok || Routed is { Ok: true };

    /// <summary>right (libtorch's kernels), routed (wrong in libtorch, right routed) or wrong (wrong both ways).</summary>
    public string Word => Unrouted.Ok ? "right" : Right ? "routed" : "wrong";

    public override string ToString() =>
        Word switch
        {
            "right" => $"right  {Shape}",
            "routed" => $"routed {Shape}: libtorch's relative error {Unrouted.WorstError:G2}, routed {Routed!.WorstError:G2}",
            _ => $"WRONG  {Shape}: libtorch's relative error {Unrouted.WorstError:G2}, routed {Routed?.WorstError ?? Unrouted.WorstError:G2}",
        };
}
