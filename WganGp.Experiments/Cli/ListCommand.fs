/// `wgangp list`: the paper's architectures by name, with their source, input shape and parameter counts.
module WganGp.Experiments.ListCommand

open System
open Argu
open TorchSharp
open WganGp.Experiments.Dsl

type ListArgs =
    | Method of name: string
    | Width of multiplier: float
    interface IArgParserTemplate with
        member a.Usage =
            match a with
            | Method _ -> "count the critic as built for this method (wgan-gp, the default; wgan-clip, dcgan, lsgan): its normaliser"
            | Width _ -> "build Figure 2's pairs at this multiple of the code's channel counts (DIM = 64 x w; default 1, the paper's)"

/// `wgangp list [--method M] [--width W]`.
let run (l: ParseResults<ListArgs>) : Cli.Exit =
    let name = l.GetResult(Method, defaultValue = "wgan-gp")
    let method =
        match Paper.Lsun.methods |> List.tryFind (fun m -> m.Name = name) with
        | Some m -> m
        | None -> failwith $"unknown method '{name}'; known: wgan-gp, wgan-clip, dcgan, lsgan"
    let width = l.GetResult(Width, defaultValue = 1.0)
    Cli.refuse [ for v in Enum.GetValues<WganGp.Core.Nets.Figure2Variant>() -> WganGp.Core.Nets.Figure2Width.Check(v, 64, width) |> Option.ofObj |> Option.map (fun p -> $"--width: {p}") ]
    printfn $"| architecture | source | input | G params | D params (critic for {name}) |"
    printfn "|---|---|---|---:|---:|"
    for architecture, source in Paper.catalog do
        let architecture = withWidth width architecture
        let shape = Cells.inputShape architecture |> Array.map (fun d -> if d < 0L then 100L else d)
        let generator, critic, _ = Cells.networks architecture method WganGp.Core.Nets.InitScheme.Tflib shape
        let count (f: Func<torch.nn.Module<torch.Tensor, torch.Tensor>>) =
            use m = f.Invoke()
            m.parameters() |> Seq.sumBy (fun p -> p.numel())
        let input = String.Join("x", shape)
        printfn $"| {Names.architecture architecture} | {source} | {input} | {count generator:N0} | {count critic:N0} |"
    Cli.Exit.Ok
