module WganGp.Tests.ScriptLoaderTests

open System
open System.IO
open Expecto

// Host types for the scripts to build: the loader must hand back values of these very types.
type Arch =
    | Dcgan
    | Mlp of layers: int

type Cell = { Name: string; Lr: float; Arch: Arch }

let private hostAssembly = typeof<Cell>.Assembly.Location
let private hostFileName = Path.GetFileName hostAssembly |> nonNull

/// The loader under test, given the test assembly (which defines the host types) as the reference.
let private load<'T> path valueName : Result<'T, string list> =
    WganGp.Experiments.ScriptLoader.load<'T> [ hostAssembly ] path valueName

let private openHost = "open WganGp.Tests.ScriptLoaderTests"

/// Writes a file (creating its folders) under dir; returns its full path.
let private writeIn (dir: string) (relativePath: string) (lines: string list) =
    let path = Path.Combine(dir, relativePath)
    Directory.CreateDirectory(Path.GetDirectoryName path |> nonNull) |> ignore
    File.WriteAllLines(path, lines)
    path

let private freshDir () =
    Path.Combine(Path.GetTempPath(), "wgangp-script-loader-tests", Guid.NewGuid().ToString "N")

/// A script alone in a fresh temp directory.
let private script name lines = writeIn (freshDir ()) name lines

let private errors (result: Result<'T, string list>) =
    match result with
    | Ok v -> failtestf "expected an error, got Ok %A" v
    | Error messages -> String.concat "\n" messages

let private contains (text: string) (part: string) =
    Expect.stringContains text part $"message should contain '{part}'"

let private expected = { Name = "lsun"; Lr = 1e-4; Arch = Mlp 3 }

// Sequenced: one test swaps Console.Out, and sessions are serialised by the loader anyway.
let tests =
    testSequenced
    <| testList "script loader" [
        test "a record of a host type comes back equal, from a file name with dashes" {
            let path = script "lsun-matrix.fsx" [ openHost; "let experiment = { Name = \"lsun\"; Lr = 1e-4; Arch = Mlp 3 }" ]
            let loaded = load<Cell> path "experiment"
            Expect.equal loaded (Ok expected) "the script's record"
        }

        test "a list of a host union comes back and pattern-matches" {
            let path = script "archs.fsx" [ openHost; "let archs = [ Dcgan; Mlp 4 ]" ]
            match load<Arch list> path "archs" with
            | Ok [ Dcgan; Mlp 4 ] -> ()
            | other -> failtestf "unexpected %A" other
        }

        test "#r of the host assembly from another path and a relative #load still give host types" {
            let dir = freshDir ()
            // An IDE-support #r to a copy of the host assembly elsewhere (a build output), and a helper script.
            let bin = Directory.CreateDirectory(Path.Combine(dir, "bin"))
            File.Copy(hostAssembly, Path.Combine(bin.FullName, hostFileName))
            writeIn dir "shared/common.fsx" [ "let lr = 1e-4" ] |> ignore
            let path =
                writeIn dir "with-refs.fsx" [
                    $"#r \"bin/{hostFileName}\""
                    "#load \"shared/common.fsx\""
                    openHost
                    "let experiment = { Name = \"lsun\"; Lr = Common.lr; Arch = Mlp 3 }" ]
            let loaded = load<Cell> path "experiment"
            Expect.equal loaded (Ok expected) "host types despite the script's own #r"
        }

        test "a type error names the script and its line" {
            let path =
                script "bad-type.fsx" [
                    openHost
                    ""
                    "let name = \"lsun\""
                    "let experiment = { Name = name; Lr = \"fast\"; Arch = Dcgan }" ]
            let message = load<Cell> path "experiment" |> errors
            contains message $"{path}(4,"
            contains message "error FS0001"
        }

        test "a warning fails the load like an error" {
            let path = script "warns.fsx" [ openHost; "let layers arch = match arch with Mlp n -> n"; "let experiment = Dcgan" ]
            let message = load<Arch> path "experiment" |> errors
            contains message $"{path}(2,"
            contains message "error FS0025"
        }

        test "a missing value name is reported" {
            let path = script "no-value.fsx" [ openHost; "let other = Dcgan" ]
            let message = load<Arch> path "experiment" |> errors
            contains message path
            contains message "no top-level value named 'experiment'"
        }

        test "a value of another type is reported with both types" {
            let path = script "wrong-type.fsx" [ openHost; "let experiment = Mlp 2" ]
            let message = load<Cell> path "experiment" |> errors
            contains message "has type WganGp.Tests.ScriptLoaderTests.Arch"
            contains message "expected WganGp.Tests.ScriptLoaderTests.Cell"
        }

        test "a missing file is reported with its path" {
            let path = Path.Combine(freshDir (), "absent.fsx")
            let message = load<Cell> path "experiment" |> errors
            contains message path
        }

        test "a script that throws reports its exception message" {
            let path = script "throws.fsx" [ openHost; "let experiment : Cell = failwith \"no such dataset: lsun\"" ]
            let message = load<Cell> path "experiment" |> errors
            contains message "throws.fsx"
            contains message "no such dataset: lsun"
        }

        test "the script's own output reaches the console, FSI's feedback does not" {
            let path = script "prints.fsx" [ openHost; "printfn \"grid has %d cells\" 4"; "let experiment = Dcgan" ]
            let console = Console.Out
            use captured = new StringWriter()
            Console.SetOut captured
            let loaded =
                try load<Arch> path "experiment"
                finally Console.SetOut console
            Expect.equal loaded (Ok Dcgan) "value"
            let output = captured.ToString()
            contains output "grid has 4 cells"
            Expect.isFalse (output.Contains "val experiment") $"FSI feedback leaked: {output}"
            Expect.isFalse (output.Contains "Microsoft (R) F#") $"FSI banner leaked: {output}"
        }
    ]
