// The character language model (spec §6, gan_language.py): 1-D convolutional ResNets over 32 characters, the
// generator's softmax fed to the critic, WGAN-GP with 10 critic steps. Characters are bytes, as in the Python 2 code
// (Datasets.billionWord; CharCorpusOptions.Utf8 reads Unicode characters instead).
//   dotnet run --project WganGp.Experiments -c Release -- run experiments/language.fsx --paper --data billion-word=/data/1-billion-word-language-modeling-benchmark-r13output
open WganGp.Experiments
open WganGp.Experiments.Dsl
open WganGp.Experiments.Paper

let grid =
    { Grid.named "language" with
        Datasets = [ Real(Datasets.billionWord "data/1-billion-word-language-modeling-benchmark-r13output") ]
        Architectures = [ CharResNet ]
        Methods = [ Language.wganGp ]
        Seeds = [ 0 ]
        Iterations = 1000
        PaperIterations = 200_000
        BatchSize = 64
        SampleCount = 640 }

let experiment = { Experiment.named "language" with Grids = [ grid ] }
