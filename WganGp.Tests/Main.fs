module WganGp.Tests.Main

open Expecto

let all =
    testList "WganGp" [
        TorchTests.tests
        LayeringTests.tests
        PenaltyTests.tests
        MethodTests.tests
        ToyDataTests.tests
        IdxTests.tests
        CifarTests.tests
        ImageTests.tests
        TextCorpusTests.tests
        CifarPickleTests.tests
        NetTests.tests
        Figure2Tests.tests
        DatasetTests.tests
        ImageLearningTests.tests
        ConditionalTests.tests
        GridTests.tests
        GridCellTests.tests
        TableTests.tests
        VerdictTests.tests
        AggregationTests.tests
        ScriptLoaderTests.tests
        PlotTests.tests
        FigureTests.tests
        BehaviourTests.tests
        ClockTests.tests
        ResNetTests.tests
        ArchitectureTests.tests
        CheckpointTests.tests
        LockTests.tests
        RunTests.tests
        MetricTests.tests
        InceptionTests.tests
        ClassifierTests.tests
        ClassifierTests.ngramTests
        SlurmTests.tests
        ConcurrencyTests.tests
        NumericsTests.tests
        PrecisionTests.tests
        CliErrorTests.tests
        ReproductionTests.tests
        ExtensionTests.tests
        CostBenchTests.tests
        ProfileBenchTests.tests
    ]

[<EntryPoint>]
let main argv =
    WganGp.Core.Numerics.LibtorchLog.HideWarnings() |> ignore
    TorchSharp.torch.set_num_threads (max 1 System.Environment.ProcessorCount)
    // Sequenced: libtorch's global RNG (seeded runs) and its thread pool are shared by every test.
    runTestsWithCLIArgs [ Sequenced ] argv all
