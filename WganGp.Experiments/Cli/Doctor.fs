/// `wgangp doctor`: which convolution shapes of the grids compute wrong numbers on this CPU, and whether the route
/// around libtorch's faulty kernels (WganGp.Core.Numerics.ConvRoute) makes every one of them right: the same decision
/// `run` makes for a cell's shapes before it trains, and the same per-machine record of it.
module WganGp.Experiments.Doctor

open System
open System.IO
open Argu
open TorchSharp
open WganGp.Core.Numerics
open WganGp.Experiments.Dsl

type private Net = torch.nn.Module<torch.Tensor, torch.Tensor>

/// Every convolution shape one forward of the generator and one of the critic (on the generator's output) call, at
/// batch 2: what a run decides before it trains.
let shapesOfNetworks (generator: unit -> Net) (critic: unit -> Net) (latent: int) : ConvShape list =
    WganGp.Core.Training.NetworkShapes.Of(Func<_>(generator), Func<_>(critic), latent) |> List.ofSeq

/// The shapes of an architecture as a grid builds it (under WGAN-GP: the method changes only the critic's normaliser).
let shapesOf (architecture: Architecture) : ConvShape list =
    match architecture.Data with
    | WganGp.Core.Data.DataKind.Images ->
        let generator, critic, latent =
            Cells.networks architecture WganGp.Core.Methods.Methods.WganGp WganGp.Core.Nets.InitScheme.Tflib (Cells.inputShape architecture)
        shapesOfNetworks generator.Invoke critic.Invoke latent
    | _ -> []   // points and text: no 2-D convolutions

/// The distinct architectures of an experiment's cells at its default budget.
let architecturesOf (experiment: Experiment) : Architecture list =
    match Cells.ofExperiment (Cells.Scaled 1.0) experiment with
    | Ok cells -> cells |> List.map (fun c -> c.Architecture) |> List.distinct
    | Error _ -> experiment.Grids |> List.collect (fun g -> g.Architectures) |> List.distinct

/// Each shape decided as `run` decides it (WganGp.Core.Numerics.ConvRoute.Check: from this process, this machine's
/// earlier checks, or checked now; `fresh` checks every one again).
let check (trials: int) (batch: int64) (fresh: bool) (shapes: ConvShape list) : ConvRouteDecision =
    ConvRoute.Check(shapes, trials, batch, fresh)

/// The report for a person: the CPU, the cost, every shape wrong as libtorch computes it, and any still wrong routed.
let render (decision: ConvRouteDecision) : string list =
    let cpu = CpuFeatures.Current
    let flags = String.Join(" ", cpu.VectorFlags)
    let routed = decision.Routed
    let wrong = decision.Wrong
    let total = decision.Verdicts.Count
    [ $"CPU: {cpu.Model} (family {cpu.Family} model {cpu.ModelNumber} stepping {cpu.Stepping}, microcode {cpu.Microcode}; {cpu.Isa}; {flags})"
      match Environment.GetEnvironmentVariable "ONEDNN_MAX_CPU_ISA" with
      | null | "" -> ()
      | isa -> $"ONEDNN_MAX_CPU_ISA={isa}"
      match ConvRoute.Mode with
      | ConvRouteMode.Auto -> ()
      | forced -> $"{ConvRoute.ModeVariable}={forced.ToString().ToLowerInvariant()}: runs of this environment ignore these verdicts (forced)"
      $"{total} convolution shapes (float32 against float64: forward, input gradient, double backward; freed memory poisoned): checked {decision.Checked} in {decision.Seconds:F1} s, {decision.FromCache} from this machine's earlier checks ({decision.CacheNote})"
      $"{routed.Count + wrong.Count} wrong as libtorch computes them on this CPU; `run` routes them:"
      yield! decision.Verdicts |> Seq.filter (fun v -> v.Route) |> Seq.map (fun v -> $"  {v}")
      if wrong.Count = 0 then $"all {total} right as the networks compute them"
      else
          $"{wrong.Count} STILL WRONG as the networks compute them (a run using one stops with an error naming it):"
          yield! wrong |> Seq.map (fun v -> $"  {v}") ]

type DoctorArgs =
    | [<MainCommand>] Scripts of path: string list
    | Trials of count: int
    | Batch_Size of size: int
    | Fresh
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Scripts _ -> "grid scripts whose architectures to check (default: every experiments/*.fsx under the current folder)"
            | Trials _ -> "trials per shape, each after poisoning freed memory (default 2)"
            | Batch_Size _ -> "batch of each check (default 4)"
            | Fresh -> "check every shape again instead of reusing this machine's earlier checks (and keep the new ones)"

/// Loads the scripts with `load`, collects their architectures' shapes, checks them and prints the report. Exit 0 when
/// every shape is right as the networks compute it, 1 when one is not or a script cannot be loaded.
let run (load: string -> Result<Experiment, string list>) (args: ParseResults<DoctorArgs>) : Cli.Exit =
    Cli.refuse [ Cli.atLeast 1 "--trials" (args.TryGetResult Trials); Cli.atLeast 1 "--batch-size" (args.TryGetResult Batch_Size) ]
    let trials = args.GetResult(Trials, defaultValue = 2)
    let batch = args.GetResult(Batch_Size, defaultValue = 4)
    let scripts =
        match args.TryGetResult Scripts with
        | Some paths -> paths
        | None when Directory.Exists "experiments" -> Directory.GetFiles("experiments", "*.fsx") |> Array.sort |> List.ofArray
        | None -> []
    if scripts.IsEmpty then
        eprintfn "error: no grid scripts: pass them, or run from the repository root (experiments/*.fsx)"
        Cli.Exit.Error
    else
        let loaded = scripts |> List.map (fun path -> path, load path)
        match loaded |> List.collect (fun (_, r) -> match r with Error e -> e | Ok _ -> []) with
        | [] ->
            let architectures = loaded |> List.collect (fun (_, r) -> match r with Ok e -> architecturesOf e | Error _ -> []) |> List.distinct
            eprintfn $"collecting the convolution shapes of {architectures.Length} architectures from {scripts.Length} scripts"
            let decision = architectures |> List.collect shapesOf |> check trials (int64 batch) (args.Contains Fresh)
            render decision |> List.iter (printfn "%s")
            if decision.Wrong.Count = 0 then Cli.Exit.Ok else Cli.Exit.Error
        | errors ->
            for e in errors do eprintfn $"error: {e}"
            Cli.Exit.Error
