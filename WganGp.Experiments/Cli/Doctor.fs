/// `wgangp doctor`: which convolution shapes of the grids compute wrong numbers on this CPU, and whether the route
/// around libtorch's faulty kernels (WganGp.Core.Numerics.ConvRoute) makes every one of them right.
module WganGp.Experiments.Doctor

open System
open System.IO
open Argu
open TorchSharp
open WganGp.Core.Numerics
open WganGp.Experiments.Dsl

type private Net = torch.nn.Module<torch.Tensor, torch.Tensor>

/// Every 2-D convolution shape one forward of the generator and one of the critic (on the generator's output) call,
/// input gradient included, at batch 2.
let shapesOfNetworks (generator: unit -> Net) (critic: unit -> Net) (latent: int) : ConvShape list =
    ConvRoute.RecordShapes(fun () ->
        use scope = torch.NewDisposeScope()
        use g = generator ()
        use d = critic ()
        let z = torch.randn(2L, int64 latent)
        let fake =
            match box g with
            | :? WganGp.Core.Nets.IConditionalGenerator as c when c.Classes > 0 -> c.Forward(z, torch.zeros(2L, dtype = torch.int64))
            | _ -> g.call z
        let x = fake.detach().requires_grad_(true)
        d.call(x).sum().backward())
    |> List.ofSeq

/// The shapes of an architecture as a grid builds it (under WGAN-GP: the method changes only the critic's normaliser).
let shapesOf (architecture: Architecture) : ConvShape list =
    match architecture with
    | ToyMlp _ | CharResNet -> []   // no 2-D convolutions
    | _ ->
        let generator, critic, latent =
            Cells.networks architecture WganGp.Core.Methods.Methods.WganGp WganGp.Core.Nets.InitScheme.Tflib (Cells.inputShape architecture)
        shapesOfNetworks generator.Invoke critic.Invoke latent

/// The distinct architectures of an experiment's cells at its default budget.
let architecturesOf (experiment: Experiment) : Architecture list =
    match Cells.ofExperiment (Cells.Scaled 1.0) experiment with
    | Ok cells -> cells |> List.map (fun c -> c.Architecture) |> List.distinct
    | Error _ -> experiment.Grids |> List.collect (fun g -> g.Architectures) |> List.distinct

/// Each shape checked unrouted (what libtorch computes on this CPU) and routed (what the networks compute).
type Report = { Unrouted: ConvCheck list; Routed: ConvCheck list }

let check (trials: int) (batch: int64) (shapes: ConvShape list) : Report =
    let shapes = List.distinct shapes
    { Unrouted = NumericsCanary.CheckAll(shapes, false, trials, batch) |> List.ofSeq
      Routed = NumericsCanary.CheckAll(shapes, true, trials, batch) |> List.ofSeq }

/// The report for a person: the CPU, every shape wrong without the route, and any still wrong with it.
let render (report: Report) : string list =
    let cpu = CpuFeatures.Current
    let decision = ConvRoute.Decision
    let wrong = report.Unrouted |> List.filter (fun c -> not c.Ok)
    let still = report.Routed |> List.filter (fun c -> not c.Ok)
    let flags = String.Join(" ", cpu.VectorFlags)
    let state = if decision.Active then "active" else "inactive"
    [ $"CPU: {cpu.Model} ({cpu.Isa}; {flags})"
      match Environment.GetEnvironmentVariable "ONEDNN_MAX_CPU_ISA" with
      | null | "" -> ()
      | isa -> $"ONEDNN_MAX_CPU_ISA={isa}"
      $"route: {state} ({decision.Reason})"
      $"{report.Unrouted.Length} convolution shapes checked (float32 against float64, forward, input gradient, double backward; freed memory poisoned)"
      $"{wrong.Length} wrong as libtorch computes them on this CPU:"
      yield! wrong |> List.map (fun c -> $"  {c}")
      if still.IsEmpty then $"all {report.Routed.Length} right as the networks compute them (routed)"
      else
          $"{still.Length} STILL WRONG as the networks compute them (routed):"
          yield! still |> List.map (fun c -> $"  {c}") ]

type DoctorArgs =
    | [<MainCommand>] Scripts of path: string list
    | Trials of count: int
    | Batch_Size of size: int
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Scripts _ -> "grid scripts whose architectures to check (default: every experiments/*.fsx under the current folder)"
            | Trials _ -> "trials per shape, each after poisoning freed memory (default 2)"
            | Batch_Size _ -> "batch of each check (default 4)"

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
            let report = architectures |> List.collect shapesOf |> check trials (int64 batch)
            render report |> List.iter (printfn "%s")
            if report.Routed |> List.forall (fun c -> c.Ok) then Cli.Exit.Ok else Cli.Exit.Error
        | errors ->
            for e in errors do eprintfn $"error: {e}"
            Cli.Exit.Error
