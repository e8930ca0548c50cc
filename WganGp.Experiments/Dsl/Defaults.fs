/// The values a run falls back on when neither the script nor the command line sets them, in one place (the help
/// texts quote them from here).
module WganGp.Experiments.Defaults

/// Samples a grid's cells draw and score at the end of training.
let sampleCount = 2000

/// Samples per evaluation during training (curves need many points, not precise ones).
let evaluationSamples = 1000

/// Training images that real-data scores compare samples with, and held-out images for the real ceiling.
let referenceCount = 5000

/// The seed of the fixed reference draws: the toy sets' reference points and the real images scores compare with (every
/// seed derivation is in WganGp.Core.Training.Seeds).
let referenceSeed = WganGp.Core.Training.Seeds.Reference

/// A grid's default budget in generator iterations (small enough for a laptop; `--scale` multiplies it).
let gridIterations = 1000

/// A grid's budget under `--paper` unless the script gives the paper's own.
let paperIterations = 100_000

/// A grid's batch size unless the script gives one.
let batchSize = 256

/// Threads decoding images ahead of the trainer (folders, LMDB).
let decodeThreads = 1

/// Images in a sample grid (samples.png, the composites' cells).
let gridImages = WganGp.Core.Training.Sampler.GridImages

/// A run checkpoints every budget/checkpointFraction iterations, evaluates and draws a sample grid every
/// budget/evaluationFraction (unless the command line or a paper script says otherwise).
let checkpointFraction = 20
let evaluationFraction = 10

/// Log rows a run writes at most (a 200k-iteration cell keeps a small log.csv).
let logRows = 1000

/// Where `wgangp run` writes an experiment unless `--results` says otherwise: runs/<experiment>/ under the current
/// folder (git-ignored), so that a run on a fresh clone trains instead of finding the published cells done.
let runsRoot = "runs"

/// Where published results live: a run compares what it made with <publishedRoot>/<experiment>/ when that exists.
/// Publishing is an explicit step (`--results results`, or a copy and `wgangp table`).
let publishedRoot = "results"
