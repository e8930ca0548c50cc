/// The published numbers this framework reproduces, as typed data with their source, and their comparison with ours.
/// Values are transcribed from spec/paper.md (arXiv 1704.00028v3) and spec/prior-art.md; keys (dataset, method,
/// architecture, score) are the names our experiment scripts and scorers use, so a summary row joins to them directly.
module WganGp.Experiments.PaperNumbers

open System
open System.Globalization
open Deedle
open WganGp.Experiments.Tables

/// What a published score's protocol fixes, to decide whether one of ours is comparable with it (None: the source does
/// not say, and then nothing is comparable with it).
type Measured =
    { /// Generated samples scored.
      N: int option
      /// Inception Score splits (IS only).
      Splits: int option
      /// The feature network, e.g. `inceptionTf` (the 2015-12-05 TF Inception graph and its exact ports).
      Backbone: string option
      /// Real images the samples are compared with (FID, KID).
      ReferenceN: int option }

/// One published score.
type PaperNumber =
    { /// The table or figure it is printed in, e.g. "Table 3".
      Table: string
      /// Where exactly, e.g. "arXiv 1704.00028v3, Table 3".
      Source: string
      /// Our dataset name that the number is comparable with (experiments/*.fsx), e.g. "cifar10-dequantized".
      Dataset: string
      /// The model as the source prints it.
      Model: string
      /// Our method name (Method.Name) that reproduces the model; a model we do not run keeps a name of its own that
      /// no run has, so it never joins.
      Method: string
      /// Our architecture name, when the number belongs to one network rather than to every architecture of the method.
      Architecture: string option
      /// Our score name, e.g. "is" (FeatureScorer), "fid".
      Score: string
      Value: float
      Std: float option
      /// How the source measured it, in words.
      Protocol: string
      /// The parts of that protocol a comparison must match: ours is set beside it only when they do.
      Measured: Measured }

/// One row of the paper's Tables 2 and 5: of `Of` random architectures trained with both methods, how many exceed
/// `Threshold` (Inception score, strictly above) with only the first method, only the second, both, or neither.
type ThresholdRow =
    { Table: string
      Source: string
      Dataset: string
      Score: string
      First: string
      Second: string
      Threshold: float
      OnlyFirst: int
      OnlySecond: int
      Both: int
      Neither: int }

    member r.Of = r.OnlyFirst + r.OnlySecond + r.Both + r.Neither
    /// How many architectures exceed the threshold with the first method (the paper's per-method count).
    member r.FirstCount = r.OnlyFirst + r.Both
    member r.SecondCount = r.OnlySecond + r.Both

let private arxiv = "arXiv 1704.00028v3"

/// The TF Inception graph inception-2015-12-05 of the OpenAI Inception Score code, and its exact ports (pytorch-fid's
/// pt_inception-2015-12-05-6726825d.pth, which torch-fidelity and pytorch_gan_metrics also load).
let inceptionTf = "inception-2015-12-05"

/// Nothing stated: never comparable.
let unstated = { N = None; Splits = None; Backbone = None; ReferenceN = None }

/// Inception Score on N samples in 10 splits of the TF Inception.
let private isOn n = { unstated with N = Some n; Splits = Some 10; Backbone = Some inceptionTf }

/// The paper's Inception score protocol (spec/paper.md §8), for its own CIFAR-10 numbers.
let private paperIs =
    "Inception score, OpenAI improved-gan TF code (inception-2015-12-05, 1008-way softmax without bias), 50,000 samples, "
    + "10 splits, mean ± std over splits; final or best during training not stated"

/// Table 3's other rows were measured by their own papers (the table collects them).
let private citedIs = "Inception score as reported by the model's own paper (collected in Table 3); split count and N as there"

let private table3 (model: string) (method: string) (architecture: string option) (value: float) (std: float option) (protocol: string) measured =
    { Table = "Table 3"; Source = $"{arxiv}, Table 3"; Dataset = "cifar10-dequantized"; Model = model; Method = method
      Architecture = architecture; Score = "is"; Value = value; Std = std; Protocol = protocol; Measured = measured }

/// Table 3: Inception scores on CIFAR-10, unsupervised (left) and supervised (right). Ours: experiments/cifar10.fsx's
/// "table3-unsupervised" (cifar-resnet, wgan-gp-resnet) and "table3-supervised" (cifar-resnet-ac, ac-wgan-gp) on
/// cifar10-dequantized. The other models are not run here; their method keys never join.
let table3Numbers : PaperNumber list =
    let other model value std = table3 model ("paper:" + model) None value std citedIs unstated
    [ other "ALI (in DFM paper), unsupervised" 5.34 (Some 0.05)
      other "BEGAN, unsupervised" 5.62 None
      other "DCGAN (in SGAN paper), unsupervised" 6.16 (Some 0.07)
      other "Improved GAN (-L+HA), unsupervised" 6.86 (Some 0.06)
      other "EGAN-Ent-VI, unsupervised" 7.07 (Some 0.10)
      other "DFM, unsupervised" 7.72 (Some 0.13)
      table3 "WGAN-GP ResNet, unsupervised" "wgan-gp-resnet" (Some "cifar-resnet") 7.86 (Some 0.07) paperIs (isOn 50_000)
      other "SteinGAN, supervised" 6.35 None
      other "DCGAN with labels (in SteinGAN paper), supervised" 6.58 None
      other "Improved GAN, supervised" 8.09 (Some 0.07)
      other "AC-GAN, supervised" 8.25 (Some 0.07)
      other "SGAN-no-joint, supervised" 8.37 (Some 0.08)
      table3 "WGAN-GP ResNet, supervised (AC-WGAN-GP)" "ac-wgan-gp" (Some "cifar-resnet-ac") 8.42 (Some 0.10) paperIs (isOn 50_000)
      other "SGAN, supervised" 8.59 (Some 0.12) ]

/// The standard DCGAN's Inception score on 32 × 32 ImageNet, the reference point of the random-architecture study
/// (spec/paper.md §4, stated with appendix B's training settings). Ours: Figure 2's DCGAN pair at 32 × 32 × 3 trained
/// with the standard GAN (Paper.Random.gan) on experiments/random-archs.fsx's "imagenet32".
let dcganReference : PaperNumber =
    { Table = "Section 5.1 / Appendix B"; Source = $"{arxiv}, Section 5.1 and Appendix B (as spec/paper.md §4 records it)"
      Dataset = "imagenet32"; Model = "standard DCGAN"; Method = "gan"; Architecture = Some "dcgan-32c3"; Score = "is"
      Value = 7.24; Std = None
      Protocol = "Inception score (OpenAI TF code) on 32 × 32 ImageNet samples; N and splits not stated"
      Measured = { unstated with Backbone = Some inceptionTf } }

/// Prior-art reproductions of Table 3's unsupervised WGAN-GP ResNet (spec/prior-art.md §4, rows 8 and 11): modern
/// PyTorch anchors with stated protocols, joined to the same run as the paper's 7.86.
let priorArtNumbers : PaperNumber list =
    let mimicry score value std protocol measured =
        { Table = "prior art"; Source = "kwotsin/mimicry README, CIFAR-10 WGAN-GP baseline (spec/prior-art.md §4 row 8)"
          Dataset = "cifar10-dequantized"; Model = "WGAN-GP ResNet (mimicry: G 256 / D 128 channels, no dequantisation)"
          Method = "wgan-gp-resnet"; Architecture = Some "cifar-resnet"; Score = score; Value = value; Std = Some std
          Protocol = protocol + "; mean ± std over 3 seeds"; Measured = measured }
    let collections score value std protocol measured =
        { Table = "prior art"; Source = "w86763777/pytorch-gan-collections Readme.md, WGAN-GP ResNet (spec/prior-art.md §4 row 11)"
          Dataset = "cifar10-dequantized"; Model = "WGAN-GP ResNet (pytorch-gan-collections, seed 0)"
          Method = "wgan-gp-resnet"; Architecture = Some "cifar-resnet"; Score = score; Value = value; Std = std
          Protocol = protocol; Measured = measured }
    let against n = { unstated with N = Some 50_000; Backbone = Some inceptionTf; ReferenceN = Some n }
    [ mimicry "is" 7.33 0.02 "Inception score, TF Inception, 50k samples, 10 splits" (isOn 50_000)
      mimicry "fid" 22.29 0.06 "FID, TF Inception, 50k generated vs 50k CIFAR-10 train" (against 50_000)
      mimicry "kid" 0.0204 0.0004 "KID, TF Inception, 50k generated vs CIFAR-10 train" (against 50_000)
      collections "is" 7.95 (Some 0.14) "Inception score (pytorch_gan_metrics), 50k samples, 10 splits; std over splits" (isOn 50_000)
      collections "fid" 16.95 None "FID (pytorch_gan_metrics), 50k generated vs CIFAR-10 train statistics" (against 50_000) ]

/// Every published score above.
let numbers : PaperNumber list = table3Numbers @ [ dcganReference ] @ priorArtNumbers

/// Table 2's minimum Inception scores; Table 5 has every half step from 1.0 to 9.0.
let table2Thresholds = [ 1.0; 3.0; 5.0; 7.0; 9.0 ]

let table5Thresholds = [ for k in 2..18 -> float k / 2.0 ]

/// Table 5 (Table 2 is its rows 1.0, 3.0, 5.0, 7.0 and 9.0): 200 architectures sampled from Table 1's space on 32 × 32
/// ImageNet, each trained with the standard GAN and with WGAN-GP; our methods "gan" and "wgan-gp" (Paper.Random).
let thresholdRows : ThresholdRow list =
    [ 1.0, 0, 8, 192, 0
      1.5, 0, 50, 150, 0
      2.0, 0, 60, 140, 0
      2.5, 0, 74, 125, 1
      3.0, 1, 88, 110, 1
      3.5, 0, 111, 86, 3
      4.0, 1, 126, 67, 6
      4.5, 0, 136, 55, 9
      5.0, 0, 147, 42, 11
      5.5, 0, 148, 32, 20
      6.0, 0, 145, 21, 34
      6.5, 1, 131, 11, 57
      7.0, 1, 104, 5, 90
      7.5, 2, 67, 3, 128
      8.0, 1, 34, 0, 165
      8.5, 0, 6, 0, 194
      9.0, 0, 0, 0, 200 ]
    |> List.map (fun (t, onlyGan, onlyWgan, both, neither) ->
        let inTable2 = List.contains t table2Thresholds
        { Table = (if inTable2 then "Table 2 and Table 5" else "Table 5")
          Source = (if inTable2 then $"{arxiv}, Table 2 (and Table 5)" else $"{arxiv}, Table 5")
          Dataset = "imagenet32"; Score = "is"; First = "gan"; Second = "wgan-gp"; Threshold = t
          OnlyFirst = onlyGan; OnlySecond = onlyWgan; Both = both; Neither = neither })

let private fmt (v: float) = v.ToString("0.####", CultureInfo.InvariantCulture)

let private fmtThreshold (v: float) = v.ToString("0.0##", CultureInfo.InvariantCulture)

let private line (cells: string list) =
    "| " + String.Join(" | ", cells |> List.map (fun s -> s.Replace("|", "\\|"))) + " |\n"

/// The feature network a recorded protocol names, as `Measured.Backbone` names it: our FID Inception loaded from
/// pytorch-fid's port of the TF graph (its file's SHA-256 begins 6726825d) is `inceptionTf`; anything else keeps its name.
let backboneOf (protocol: Map<string, string>) =
    match protocol.TryFind "backbone", protocol.TryFind "weights_sha256" with
    | Some "inception-v3-fid", Some hash when hash.StartsWith("6726825d", StringComparison.OrdinalIgnoreCase) -> Some inceptionTf
    | backbone, _ -> backbone

/// Why our score, measured under `protocol` (what protocol.json recorded), cannot be set beside `p`: one reason per
/// part of the published protocol (N, splits, backbone, reference N) that differs or that either side does not state.
/// Empty: comparable.
let incomparability (p: PaperNumber) (protocol: Map<string, string>) : string list =
    let ours field = protocol.TryFind field |> Option.bind (fun v -> match Int32.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture) with | true, n -> Some n | _ -> None)
    let check what (theirs: 'a option) (mine: 'a option) =
        match theirs, mine with
        | None, _ -> [ $"the source does not state its {what}" ]
        | Some _, None -> [ $"our runs recorded no {what}" ]
        | Some t, Some m when t <> m -> [ $"{what}: ours {m}, the source's {t}" ]
        | _ -> []
    if protocol.IsEmpty then [ $"our runs recorded no protocol for '{p.Score}'" ]
    else
        check "N (generated samples)" p.Measured.N (ours "generated_n")
        @ (if p.Score.EndsWith "is" then check "Inception Score splits" p.Measured.Splits (ours "is_splits") else [])
        @ check "backbone" p.Measured.Backbone (backboneOf protocol)
        @ (if p.Score.EndsWith "fid" || p.Score.EndsWith "kid" then check "reference N" p.Measured.ReferenceN (ours "reference_n") else [])

/// Our summary rows (a Tables.summarize frame with "dataset", "architecture" and "method" key columns) joined to
/// `published` by (dataset, method, score) and the architecture where the number names one. Where our score's protocol
/// (`protocols`: score → what protocol.json recorded, as Tables.protocols returns it) matches the published one in N,
/// splits, backbone and reference N, a Markdown table "dataset | architecture | method | score | ours | paper | source |
/// paper's protocol", "ours" as mean ± std over the finished runs (n). Where it does not, the number is listed under
/// "Not comparable" with the reasons, and ours is not set beside it. Rows or numbers without a partner do not appear;
/// "" when nothing joins.
let comparisonWith (published: PaperNumber list) (digits: int) (protocols: Map<string, Map<string, string>>) (summary: Frame<int, string>) : string =
    let has c = summary.ColumnKeys |> Seq.contains c
    if not (has "dataset" && has "method") then ""
    else
        let text c r =
            if has c then summary.GetColumn<string>(c).TryGet(r) |> OptionalValue.asOption |> Option.defaultValue "-" else "-"
        let number c r =
            if has c then summary.GetColumn<float>(c).TryGet(r) |> OptionalValue.asOption |> Option.defaultValue nan else nan
        let joined =
            [ for r in summary.RowKeys do
                  for p in published do
                      if text "dataset" r = p.Dataset && text "method" r = p.Method
                         && p.Architecture |> Option.forall ((=) (text "architecture" r)) && has $"{p.Score} mean" then
                          let protocol = protocols |> Map.tryFind p.Score |> Option.defaultValue Map.empty
                          yield r, p, incomparability p protocol ]
        let paper (p: PaperNumber) = match p.Std with Some s -> $"{fmt p.Value} ± {fmt s}" | None -> fmt p.Value
        let rows =
            [ for r, p, reasons in joined do
                  if reasons.IsEmpty then
                      let finished = if has "finished" then summary.GetColumn<int>("finished").[r] else 0
                      // One run has no spread: its value alone beside "n = 1".
                      let ours = formatMeanStd digits (number $"{p.Score} mean" r) (if finished = 1 then nan else number $"{p.Score} std" r)
                      yield line [ text "dataset" r; text "architecture" r; text "method" r; p.Score; $"{ours} (n = {finished})"
                                   paper p; $"{p.Model}: {p.Source}"; p.Protocol ] ]
        let refused =
            [ for r, p, reasons in joined do
                  if not reasons.IsEmpty then
                      let where = String.Join(" / ", [ text "dataset" r; text "architecture" r; text "method" r ])
                      yield $"- {where}, `{p.Score}` against {paper p} ({p.Model}: {p.Source}): not comparable: "
                            + String.Join("; ", reasons) + "\n" ]
        let table =
            if rows.IsEmpty then ""
            else
                line [ "dataset"; "architecture"; "method"; "score"; "ours"; "paper"; "source"; "paper's protocol" ]
                + "|---|---|---|---|--:|--:|---|---|\n" + String.concat "" rows
        let notComparable =
            if refused.IsEmpty then ""
            else (if table = "" then "" else "\n") + "Not comparable (the published protocol differs from ours, or is not stated):\n\n" + String.concat "" refused
        table + notComparable

/// comparisonWith every published number (`numbers`).
let comparison (digits: int) (protocols: Map<string, Map<string, string>>) (summary: Frame<int, string>) : string =
    comparisonWith numbers digits protocols summary

/// Tables 2/5 side by side with ours, for runs of one dataset with the methods "gan" and "wgan-gp" on several
/// architectures: per threshold, our counts of only GAN / only WGAN-GP / both / neither (out of our architectures with
/// both results) and the paper's (out of 200). "" when the rows lack either method. Raises as Tables.thresholdOutcomes.
let thresholdComparison (score: string) (rows: RunRow list) : string =
    let methods = rows |> List.choose (fun r -> r.Keys.TryFind "method") |> Set.ofList
    let published = thresholdRows |> List.filter (fun p -> p.Score = score)
    match published with
    | [] -> ""
    | p0 :: _ when methods.Contains p0.First && methods.Contains p0.Second ->
        let thresholds = published |> List.map _.Threshold
        let ours = thresholdOutcomes score p0.First p0.Second thresholds rows
        let columns = List.ofSeq ours.ColumnKeys
        let count (c: string) (t: float) = ours.GetColumn<int>(c).[t]
        let n = if thresholds.IsEmpty then 0 else columns |> List.sumBy (fun c -> count c thresholds.Head)
        let header =
            line ([ $"min {score}" ] @ (columns |> List.map (fun c -> $"{c}, ours (of {n})")) @ (columns |> List.map (fun c -> $"{c}, paper (of {p0.Of})")) @ [ "source" ])
        let rule = "|--:|" + String.replicate (2 * columns.Length) "--:|" + "---|\n"
        header + rule
        + String.concat "" [
            for p in published ->
                line ([ fmtThreshold p.Threshold ] @ [ for c in columns -> string (count c p.Threshold) ]
                      @ [ string p.OnlyFirst; string p.OnlySecond; string p.Both; string p.Neither ] @ [ p.Source ]) ]
    | _ -> ""

/// Per method, how many of our architectures exceed each of the paper's minimum scores for `score` (Tables 2/5's
/// thresholds; Tables.thresholdCounts), with the paper's count beside each method it has (only GAN + both for "gan",
/// only WGAN-GP + both for "wgan-gp", of 200). "" when the paper counts no threshold of this score.
let methodCounts (score: string) (rows: RunRow list) : string =
    match thresholdRows |> List.filter (fun p -> p.Score = score) with
    | [] -> ""
    | published ->
        let thresholds = published |> List.map _.Threshold
        let ours = thresholdCounts score thresholds rows
        let totals = architecturesPerMethod score rows
        let paperCount (m: string) (p: ThresholdRow) =
            if m = p.First then Some p.FirstCount elif m = p.Second then Some p.SecondCount else None
        let columns =
            [ for m in ours.ColumnKeys do
                  let n = totals.TryFind m |> Option.defaultValue 0
                  yield $"{m}, ours (of {n})", (fun (t: float) -> string (ours.GetColumn<int>(m).[t]))
                  if paperCount m published.Head |> Option.isSome then
                      let byThreshold = published |> List.map (fun p -> p.Threshold, p) |> Map.ofList
                      yield $"{m}, paper (of {published.Head.Of})", (fun t -> paperCount m byThreshold.[t] |> Option.map string |> Option.defaultValue "") ]
        line ($"min {score}" :: (columns |> List.map fst))
        + "|--:|" + String.replicate columns.Length "--:|" + "\n"
        + String.concat "" [ for t in thresholds -> line (fmtThreshold t :: [ for _, cell in columns -> cell t ]) ]
