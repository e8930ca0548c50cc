using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace WganGp.Core.Training;

/// <summary>
/// What a run writes while it trains: log.csv, evaluations.csv, TensorBoard event files (tensorboard/) and sample grids
/// (samples/iter-NNNNNNNN.png). The CSV files are append-only logs whose lengths go into checkpoints, so a resumed run
/// continues them exactly where its checkpoint was taken.
/// </summary>
public sealed class RunOutputs : IDisposable
{
    readonly RunFiles files;
    readonly AppendLog log, evaluations;
    readonly TorchSharp.Modules.SummaryWriter? board;
    readonly IReadOnlyList<string> extraScalars;

    RunOutputs(RunFiles files, AppendLog log, AppendLog evaluations, bool tensorBoard, IReadOnlyList<string> extraScalars)
    {
        this.files = files;
        this.log = log;
        this.extraScalars = extraScalars;
        this.evaluations = evaluations;
        board = tensorBoard ? torch.utils.tensorboard.SummaryWriter(files.PathOf(TensorBoardFolder)) : null;
    }

    public const string TensorBoardFolder = "tensorboard", SampleFolder = "samples";

    /// <summary>New outputs; log.csv gets a column for each of the method's <paramref name="extraScalars"/>.</summary>
    public static RunOutputs Create(RunFiles files, bool tensorBoard, IReadOnlyList<string> extraScalars) => new(files,
        AppendLog.Create(files.PathOf(RunFiles.Log), RunFiles.LogHeaderWith(extraScalars)),
        AppendLog.Create(files.PathOf(RunFiles.Evaluations), RunFiles.EvaluationsHeader), tensorBoard, extraScalars);

    public static RunOutputs Resume(RunFiles files, bool tensorBoard, CheckpointHeader at, IReadOnlyList<string> extraScalars) => new(files,
        AppendLog.Resume(files.PathOf(RunFiles.Log), RunFiles.LogHeaderWith(extraScalars), at.LogLength),
        AppendLog.Resume(files.PathOf(RunFiles.Evaluations), RunFiles.EvaluationsHeader, at.EvaluationsLength), tensorBoard, extraScalars);

    public long LogLength => log.Length;

    public long EvaluationsLength => evaluations.Length;

    public void Iteration(IterationStats s)
    {
        log.WriteLine(RunFiles.LogRow(s, extraScalars));
        if (board is null) return;
        foreach (var (tag, value) in new[] { ("loss/critic", s.CriticLoss), ("loss/critic_gap", s.CriticGap),
                     ("loss/penalty", s.Penalty), ("loss/generator", s.GeneratorLoss), ("critic/grad_norm", s.GradientNorm) }
                     .Concat(s.Extra.Select(kv => ($"method/{kv.Key}", kv.Value))))
            if (double.IsFinite(value)) board.add_scalar(tag, (float)value, s.Iteration);
    }

    public void Evaluation(int iteration, double seconds, IReadOnlyDictionary<string, double> scores)
    {
        foreach (var (name, value) in scores)
        {
            evaluations.WriteLine(string.Join(",", iteration.ToString(CultureInfo.InvariantCulture),
                seconds.ToString("F3", CultureInfo.InvariantCulture), name, value.ToString("R", CultureInfo.InvariantCulture)));
            if (double.IsFinite(value)) board?.add_scalar($"score/{name}", (float)value, iteration);
        }
    }

    /// <summary>A grid of samples from the run's fixed noise batch, so successive grids show the same z evolving.</summary>
    public void SampleGrid(int iteration, Tensor samples, Data.PixelScaling scaling)
    {
        var path = files.PathOf(Path.Combine(SampleFolder, $"iter-{iteration.ToString("D8", CultureInfo.InvariantCulture)}.png"));
        Data.Images.ImageGrid.SavePng(samples, scaling, path);   // written atomically
    }

    public void Dispose()
    {
        log.Dispose();
        evaluations.Dispose();
    }
}
