module WganGp.Tests.ConditionalTests

open System
open System.IO
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Methods
open WganGp.Core.Nets
open WganGp.Core.Training
open WganGp.Tests.Support

/// z [B, 8] and labels → 1 × 4 × 4 images; the label shifts the output, so conditioning is visible.
type private TinyConditionalGenerator() as this =
    inherit Module("tiny-conditional-generator")
    let linear = torch.nn.Linear(8L, 16L)
    let embedding = torch.nn.Embedding(3L, 16L)
    do this.RegisterComponents()
    override _.forward(_: torch.Tensor) : torch.Tensor = failwith "a conditional generator needs labels"
    interface IConditionalGenerator with
        member _.Classes = 3
        member _.Forward(z, labels) = (linear.call z + embedding.call labels).tanh().view(-1L, 1L, 4L, 4L)

/// Score [B, 1] and 3 class logits from one linear layer.
type private TinyClassifyingCritic() as this =
    inherit Module("tiny-classifying-critic")
    let linear = torch.nn.Linear(16L, 4L)
    do this.RegisterComponents()
    override _.forward(x: torch.Tensor) = linear.call(x.flatten(1L)).narrow(1L, 0L, 1L)
    interface IClassifyingCritic with
        member _.Classes = 3
        member _.ForwardWithClasses x =
            let out = linear.call (x.flatten 1L)
            struct (out.narrow(1L, 0L, 1L), out.narrow(1L, 1L, 3L))

let private labelled () =
    torch.manual_seed 3L |> ignore
    new LabelledImages("three classes", torch.randint(0L, 256L, [| 12L; 1L; 4L; 4L |]).``to``(torch.ScalarType.Byte),
                       torch.tensor([| for i in 0L .. 11L -> i % 3L |]))

let private acWganGp = AuxiliaryClassifierMethod(Methods.WganGp).WithName("ac-wgan-gp")

let private config (data: IBatchSource) (m: Method) =
    TrainConfig(System.Func<_>(fun () -> new TinyConditionalGenerator() :> Module),
                System.Func<_>(fun () -> new TinyClassifyingCritic() :> Module), 8, data, m, 3, 6, 0L, SampleCount = 9)

let tests =
    testList "conditional (AC-WGAN-GP)" [
        test "labelled batches carry the labels of the same items, in the same seeded order" {
            use set = labelled ()
            use a = new ShuffledBatches(set, 1L, PixelScaling.MinusOneOne)
            use b = new ShuffledBatches(set, 1L, PixelScaling.MinusOneOne)
            let struct (images, labels) = a.NextLabelled 5
            Expect.isTrue (images.allclose(b.NextBatch 5, 0.0, 0.0)) "same images as the unlabelled stream"
            Expect.equal a.Classes 3 "classes"
            use all = set.Select(torch.arange(12L), PixelScaling.MinusOneOne)
            for i in 0L .. 4L do
                let j = [ 0L .. 11L ] |> List.find (fun j -> all.[j].allclose(images.[i], 0.0, 0.0))
                Expect.equal (labels.[i].item<int64>()) (j % 3L) "label of that image"
        }

        test "AC-WGAN-GP trains a conditional pair and samples through its conditional forward; the critic's loss carries the class loss, the Wasserstein estimate unchanged" {
            use set = labelled ()
            use data = new ShuffledBatches(set, 0L, PixelScaling.MinusOneOne)
            use result = Trainer.Run(config data acWganGp)
            Expect.equal result.Status RunStatus.Finished "finished"
            Expect.sequenceEqual (nonNull result.Samples).shape [| 9L; 1L; 4L; 4L |] "samples through the conditional forward"
            // The same run with the class weight 0 differs only by the class term.
            let critic = new TinyClassifyingCritic()
            let generator = new TinyConditionalGenerator()
            let step (m: Method) =
                torch.manual_seed 5L |> ignore
                use data = new ShuffledBatches(set, 0L, PixelScaling.MinusOneOne)
                use opt = m.Optimizer.Create(critic.parameters())
                let ctx =
                    StepContext(generator, critic, null, opt, (fun () -> data.NextBatch 6), (fun () -> torch.randn(6L, 8L)),
                                NextLabelledBatch = (fun () -> data.NextLabelled 6))
                let before = [ for p in critic.parameters() -> p.clone() ]
                let stats = m.CriticStep(ctx, true, false)
                use _ = torch.no_grad()
                for p, b in Seq.zip (critic.parameters()) before do p.copy_ b |> ignore
                stats
            let withClasses = step acWganGp
            let without = step (AuxiliaryClassifierMethod(Methods.WganGp, 0.0, 0.1))
            Expect.isGreaterThan (withClasses.Loss - without.Loss) 0.5 "cross-entropy of 3 classes at init is about ln 3 ≈ 1.1"
            Expect.floatClose Accuracy.medium withClasses.CriticGap without.CriticGap "same Wasserstein estimate"
        }

        test "AC-WGAN-GP's class losses are logged: log.csv gets a column for each of the method's extra scalars" {
            use set = labelled ()
            use data = new ShuffledBatches(set, 0L, PixelScaling.MinusOneOne)
            inTempDir (fun dir ->
                let config =
                    TrainConfig(System.Func<_>(fun () -> new TinyConditionalGenerator() :> Module),
                                System.Func<_>(fun () -> new TinyClassifyingCritic() :> Module), 8, data, acWganGp, 3, 6, 0L,
                                RunDirectory = dir)
                use result = Trainer.Run config
                let lines = File.ReadAllLines(Path.Combine(dir, RunFiles.Log))
                Expect.equal lines.[0] (RunFiles.LogHeader + ",critic_class_loss,generator_class_loss") "the standard columns, then the method's"
                let column name = Array.IndexOf(lines.[0].Split ',', name)
                let value (line: string) name = line.Split(',').[column name]
                // Iteration 0 takes no generator step; every logged iteration has its last critic step's class loss.
                Expect.equal (value lines.[1] "generator_class_loss") "" "no generator step at iteration 0"
                for line in lines.[1..] do
                    Expect.isGreaterThan (float (value line "critic_class_loss")) 0.0 $"critic class loss: {line}"
                for line in lines.[2..] do
                    Expect.isGreaterThan (float (value line "generator_class_loss")) 0.0 $"generator class loss: {line}")
            Expect.equal (RunFiles.LogHeaderWith Methods.WganGp.ExtraScalars) RunFiles.LogHeader "other methods' logs are unchanged"
        }

        test "AC-WGAN-GP refuses unlabelled data and unconditional networks, naming what it needs" {
            use toy = ToyDataset.Create(ToyKind.EightGaussians, 0L)
            throwsWith<System.InvalidOperationException> "needs a conditional generator" (fun () ->
                let c = TrainConfig(System.Func<_>(fun () -> new Mlp(8, 8, 2, 2) :> Module), System.Func<_>(fun () -> new Mlp(2, 8, 1, 2) :> Module), 8, toy, acWganGp, 2, 4, 0L)
                Trainer.Run(c).Dispose())
            throwsWith<System.InvalidOperationException> "needs labelled real batches" (fun () -> Trainer.Run(config toy acWganGp).Dispose())
        }
    
        test "gan_cifar_resnet.py's conditional pair (width 16) trains two iterations with AC-WGAN-GP at generator batch 2x and samples conditionally" {
            torch.manual_seed 4L |> ignore
            use images = new LabelledImages("cifar-like", torch.randint(0L, 256L, [| 16L; 3L; 32L; 32L |]).``to``(torch.ScalarType.Byte), torch.arange(16L) % 10L)
            use data = new ShuffledBatches(images, 0L, PixelScaling.MinusOneOneDequantized)
            let m = AuxiliaryClassifierMethod(Methods.WganGp.WithGeneratorBatchMultiple 2, 1.0, 0.1)
            let config =
                TrainConfig(System.Func<_>(fun () -> new CifarResNetGenerator(true, 128, 16) :> Module),
                            System.Func<_>(fun () -> new CifarResNetCritic(true, 16) :> Module), 128, data, m, 2, 4, 0L, SampleCount = 4)
            use result = Trainer.Run config
            Expect.equal result.Status RunStatus.Finished "finished"
            Expect.sequenceEqual (nonNull result.Samples).shape [| 4L; 3L; 32L; 32L |] "conditional samples"
        }
    ]
