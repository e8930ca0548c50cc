using System.Diagnostics;
using TorchSharp;
using WganGp.Core.Data;
using static TorchSharp.torch;

namespace WganGp.Core.Metrics.Classifier;

/// <summary>How a <see cref="DatasetClassifier"/> is trained: Adam at <paramref name="LearningRate"/> on cross-entropy,
/// <paramref name="Epochs"/> passes over the training split in seeded batches (<see cref="EpochOrder"/>; the tail
/// shorter than a batch is skipped), weights initialised from <paramref name="Seed"/>.</summary>
public sealed record ClassifierTrainingOptions(int Epochs = 3, long Seed = 0, int BatchSize = 64, double LearningRate = 1e-3)
{
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "at least one epoch");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be at least 1");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be positive");
    }
}

/// <summary>One finished epoch: its mean training loss and accuracy over the batches seen, and the seconds since
/// training began.</summary>
public sealed record ClassifierEpoch(int Epoch, int Epochs, double MeanLoss, double TrainAccuracy, double Seconds);

/// <summary>Trains, evaluates and stores the <see cref="DatasetClassifier"/> behind classifier scores.</summary>
public static class ClassifierTraining
{
    /// <summary>Inputs are 8-bit pixels scaled to [−1, 1]; the extractor rescales quantised images the same way.</summary>
    public const PixelScaling Scaling = PixelScaling.MinusOneOne;

    /// <summary>A fresh network trained on <paramref name="train"/> (1-channel square images, labels 0..9); left in eval
    /// mode. Same data, options and thread count give bit-identical weights.</summary>
    public static DatasetClassifier Train(LabelledImages train, ClassifierTrainingOptions options,
        Action<ClassifierEpoch>? progress = null, Device? device = null)
    {
        options.Validate();
        int size = InputSizeOf(train);
        int classes = Math.Max(train.Classes, 2);
        if (train.Count < options.BatchSize)
            throw new ArgumentException($"{train.Name}: {train.Count} images, fewer than one batch of {options.BatchSize}");
        device ??= CPU;
        torch.manual_seed(options.Seed);
        var network = new DatasetClassifier(size, classes);
        network.to(device);
        network.train();
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        using var batches = new ShuffledBatches(train, options.Seed, Scaling);
        long steps = train.Count / options.BatchSize;
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            double lossSum = 0;
            long correct = 0;
            for (long step = 0; step < steps; step++)
            {
                using var scope = NewDisposeScope();
                var (images, labels) = batches.NextLabelled(options.BatchSize);
                images = images.to(device);
                labels = labels.to(device);
                optimizer.zero_grad();
                var logits = network.call(images);
                var loss = nn.functional.cross_entropy(logits, labels);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            }
            progress?.Invoke(new ClassifierEpoch(epoch, options.Epochs, lossSum / steps, (double)correct / (steps * options.BatchSize), clock.Elapsed.TotalSeconds));
        }
        network.eval();
        return network;
    }

    /// <summary>The share of <paramref name="test"/> the network labels correctly (argmax of the logits).</summary>
    public static double Accuracy(DatasetClassifier network, LabelledImages test, int batchSize = 500)
    {
        if (InputSizeOf(test) != network.InputSize)
            throw new ArgumentException($"{test.Name}: images are {test.Images.shape[2]}x{test.Images.shape[3]}, the classifier takes {network.InputSize}x{network.InputSize}");
        if (test.Count == 0) throw new ArgumentException($"{test.Name}: no images to evaluate");
        var device = network.parameters().First().device;
        network.eval();
        long correct = 0;
        using var _ = no_grad();
        for (long start = 0; start < test.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(batchSize, test.Count - start);
            var images = Pixels.Scale(test.Images.narrow(0, start, n), Scaling).to(device);
            var labels = test.Labels.narrow(0, start, n).to(device);
            correct += network.call(images).argmax(1).eq(labels).sum().item<long>();
        }
        return (double)correct / test.Count;
    }

    /// <summary>Trains on <paramref name="train"/>, measures accuracy on <paramref name="test"/>, and saves weights and
    /// sidecar to <paramref name="path"/> (see <see cref="DatasetClassifier.Save"/>); returns the sidecar.</summary>
    public static ClassifierCard TrainAndSave(string dataset, LabelledImages train, LabelledImages test,
        ClassifierTrainingOptions options, string path, Action<ClassifierEpoch>? progress = null, Device? device = null)
    {
        var clock = Stopwatch.StartNew();
        using var network = Train(train, options, progress, device);
        var seconds = clock.Elapsed.TotalSeconds;
        var accuracy = Accuracy(network, test);
        network.to(CPU);
        var card = new ClassifierCard(dataset, network.InputSize, network.Classes, options.Seed, options.Epochs,
            options.BatchSize, options.LearningRate, accuracy, train.Count, test.Count, Math.Round(seconds, 1));
        return network.Save(path, card);
    }

    /// <summary>A split of an IDX dataset folder (MNIST / Fashion-MNIST layout: <c>train-…</c> or <c>t10k-…</c>, plain or
    /// .gz), zero-padded to <paramref name="inputSize"/> when that is larger than the images.</summary>
    public static LabelledImages LoadSplit(string folder, bool train, int inputSize)
    {
        string prefix = train ? "train" : "t10k";
        string Pick(string stem)
        {
            var plain = Path.Combine(folder, stem);
            return File.Exists(plain) ? plain : plain + ".gz";
        }
        var set = LabelledImages.FromIdx(Pick($"{prefix}-images-idx3-ubyte"), Pick($"{prefix}-labels-idx1-ubyte"));
        if (set.Images.shape[2] == inputSize && set.Images.shape[3] == inputSize) return set;
        using (set) return set.PadTo(inputSize);
    }

    static int InputSizeOf(LabelledImages data)
    {
        var shape = data.Images.shape;
        if (shape[1] != 1 || shape[2] != shape[3])
            throw new ArgumentException($"{data.Name}: the classifier takes square 1-channel images, got [{string.Join(", ", shape)}]");
        return (int)shape[2];
    }
}
