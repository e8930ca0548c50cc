/// The values a run falls back on when neither the script nor the command line sets them, in one place (the help
/// texts quote them from here).
module WganGp.Experiments.Defaults

/// Samples a grid's cells draw and score at the end of training.
let sampleCount = 2000

/// Samples per evaluation during training (curves need many points, not precise ones).
let evaluationSamples = 1000

/// Training images that real-data scores compare samples with, and held-out images for the real ceiling.
let referenceCount = 5000

/// The seed of the fixed reference draws: the toy sets' reference points and the real images scores compare with.
let referenceSeed = 20_170_331L

/// Log rows a run writes at most (a 200k-iteration cell keeps a small log.csv).
let logRows = 1000

/// Where `wgangp run` writes an experiment unless `--results` says otherwise: runs/<experiment>/ under the current
/// folder (git-ignored), so that a run on a fresh clone trains instead of finding the published cells done.
let runsRoot = "runs"

/// Where published results live: a run compares what it made with <publishedRoot>/<experiment>/ when that exists.
/// Publishing is an explicit step (`--results results`, or a copy and `wgangp table`).
let publishedRoot = "results"
