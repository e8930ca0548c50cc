/// The core's layers, read from its compiled types: networks never see a method, and a method never sees the trainer
/// (the trainer uses methods, a method uses networks). A signature that crosses a layer the wrong way fails here.
module WganGp.Tests.LayeringTests

open System
open System.Reflection
open Expecto

let private core = typeof<WganGp.Core.Methods.Method>.Assembly

/// Every type a type's signatures name: its base type and interfaces, fields, properties, and the parameters and
/// return types of its methods and constructors (generic arguments and arrays looked through).
let private named (t: Type) =
    let flags = BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.Instance ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly
    let rec expand (x: Type | null) : Type seq =
        match x with
        | null -> Seq.empty
        | x when x.HasElementType -> expand (x.GetElementType())
        | x when x.IsGenericType -> Seq.append [ x ] (x.GetGenericArguments() |> Seq.collect expand)
        | x -> Seq.singleton x
    seq {
        yield! expand t.BaseType
        for i in t.GetInterfaces() do yield! expand i
        for f in t.GetFields flags do yield! expand f.FieldType
        for p in t.GetProperties flags do yield! expand p.PropertyType
        for m in t.GetMethods flags do
            yield! expand m.ReturnType
            for p in m.GetParameters() do yield! expand p.ParameterType
        for c in t.GetConstructors flags do
            for p in c.GetParameters() do yield! expand p.ParameterType
    }

/// The types of namespace `from` (nested and compiler-made ones included) that name a type of namespace `target`.
let private crossings (from: string) (target: string) =
    [ for t in core.GetTypes() do
          if t.Namespace = from then
              for n in named t |> Seq.distinct do
                  if n.Namespace = target then $"{t.FullName} names {n.FullName}" ]

let tests =
    testList "layering" [
        test "networks never name a method or the trainer; methods never name the trainer" {
            for from, target in
                [ "WganGp.Core.Nets", "WganGp.Core.Methods"
                  "WganGp.Core.Nets", "WganGp.Core.Training"
                  "WganGp.Core.Methods", "WganGp.Core.Training" ] do
                Expect.isEmpty (crossings from target) $"{from} must not depend on {target}"
            // The check sees real dependencies: the trainer names methods.
            Expect.isNonEmpty (crossings "WganGp.Core.Training" "WganGp.Core.Methods") "the trainer uses methods"
        }
    ]
