/// The grid language's architectures mapped to the core's registry (`WganGp.Core.Nets.ArchitectureEntry`, one entry
/// beside each script's networks: input shape, latent size, data kind, normaliser rule, builders and checks). Adding an
/// architecture is its entry in the core, a `Dsl.Architecture` case with its id (`Dsl.Names.architecture`), the line
/// below, and its cell.json kind (`CellRecipe`).
module WganGp.Experiments.Architectures

open WganGp.Core.Nets
open WganGp.Experiments.Dsl

/// The registry's one match: a script's architecture value → its core entry.
let entry (architecture: Architecture) : ArchitectureEntry =
    match architecture with
    | ToyMlp (width, layers) -> ToyMlpEntry(width, layers)
    | Figure2 (variant, size, channels, width) -> Figure2Entry(variant, size, channels, width)
    | CifarResNet conditional -> CifarResNetEntry(conditional)
    | CifarDcgan (channels, width) -> CifarDcganEntry(channels, width)
    | MnistDcgan -> MnistDcganEntry()
    | CharResNet -> CharResNetEntry()
    | RandomArch r -> RandomArchEntry(r)

/// What a method's constraint declares about the critic it needs: all the networks learn of a method.
let needsOf (c: WganGp.Core.Methods.ILipschitzConstraint) = CriticNeeds(c.ToleratesBatchNorm, c.ClipsWeights)
