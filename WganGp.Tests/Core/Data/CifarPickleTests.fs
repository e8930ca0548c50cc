module WganGp.Tests.CifarPickleTests

open System
open System.Collections.Generic
open System.Diagnostics
open System.IO
open System.Text
open System.Text.Json
open Expecto
open WganGp.Core.Data
open WganGp.Tests.Support

/// The generator of the test files, copied beside the test binary (see WganGp.Tests.fsproj).
let private script = Path.Combine(AppContext.BaseDirectory, "scripts", "make_cifar_pickle.py")

/// Runs a program to completion: Ok (exit code, stderr), or Error when it cannot start.
let private run (exe: string) (args: string list) =
    let info = ProcessStartInfo(exe, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true)
    for a in args do info.ArgumentList.Add a
    try
        use p = Process.Start info |> nonNull
        let stderr = p.StandardError.ReadToEndAsync()
        p.StandardOutput.ReadToEnd() |> ignore
        p.WaitForExit()
        Ok(p.ExitCode, stderr.Result.Trim())
    with e -> Error e.Message

/// The first python3 with numpy: Debian's (where apt's python3-numpy installs), then the one on PATH. Without one
/// these tests fail: they cannot write their test files.
let private python =
    lazy
        (let tried =
            [ for exe in [ "/usr/bin/python3"; "python3" ] ->
                  exe,
                  match run exe [ "-c"; "import numpy" ] with
                  | Ok(0, _) -> None
                  | Ok(code, err) -> Some $"exit code {code}: {err}"
                  | Error e -> Some $"cannot start: {e}" ]
         match tried |> List.tryFind (fun (_, problem) -> problem.IsNone) with
         | Some(exe, _) -> exe
         | None ->
             let report = tried |> List.map (fun (exe, p) -> $"  {exe}: {defaultArg p String.Empty}") |> String.concat "\n"
             failwith $"the CIFAR-10 pickle tests write their files with python3 and numpy, and found neither working (Debian: apt-get install python3 python3-numpy):\n{report}")

/// Writes one file per spec with make_cifar_pickle.py; a spec is the file's path and the script's fields (see its docstring).
let private make (specs: (string * (string * objnull) list) list) =
    let json =
        specs
        |> List.map (fun (path, fields) -> Dictionary<string, objnull>(dict (("path", box path) :: fields)))
        |> JsonSerializer.Serialize
    match run python.Value [ script; json ] with
    | Ok(0, _) -> ()
    | Ok(code, err) -> failwith $"{script} exited with code {code}: {err}"
    | Error e -> failwith $"{script} did not start: {e}"

/// Record i's expected pixels, as the script writes them: value (i*7 + c*3 + j) % 256 at pixel j of plane c.
let private pixels first count =
    [| for i in first .. first + count - 1 do
           for c in 0..2 do
               for j in 0..1023 -> byte ((i * 7 + c * 3 + j) % 256) |]

let private labels first count = [| for i in first .. first + count - 1 -> int64 ((i * 3 + 1) % 10) |]

/// Checks every pixel and label of `set` against records first .. first+count-1.
let private expectRecords (set: LabelledImages) first count =
    Expect.sequenceEqual set.Images.shape [| int64 count; 3L; 32L; 32L |] "shape [N, 3, 32, 32]"
    Expect.equal set.Images.dtype TorchSharp.torch.ScalarType.Byte "uint8 pixels"
    Expect.equal set.Labels.dtype TorchSharp.torch.ScalarType.Int64 "int64 labels"
    Expect.sequenceEqual (set.Images.data<byte>().ToArray()) (pixels first count) "every pixel, red plane first"
    Expect.sequenceEqual (set.Labels.data<int64>().ToArray()) (labels first count) "labels"
    let pixel (c: int64) (y: int64) (x: int64) = int (set.Images.[0L, c, y, x].item<byte>())
    Expect.equal (pixel 0L 0L 1L, pixel 1L 0L 0L, pixel 2L 31L 31L) ((first * 7 + 1) % 256, (first * 7 + 3) % 256, (first * 7 + 6 + 1023) % 256)
        "record 0: R at (0, 1), G at (0, 0), B at (31, 31)"

let private contains (bytes: byte[]) (text: string) = bytes.AsSpan().IndexOf(Encoding.Latin1.GetBytes text) >= 0

/// A CIFAR-10 binary record (label, then R, G, B planes), for the detection tests.
let private binaryRecord (label: byte) = Array.append [| label |] (Array.create 3072 7uy)

/// Fails unless reading `path` throws an InvalidDataException naming it (any other exception fails the test too).
let private rejected (path: string) =
    let outcome =
        try
            use _ = CifarPickle.Read path
            "read without error"
        with :? InvalidDataException as e -> if e.Message.Contains(path: string) then "" else $"message without the path: {e.Message}"
    if outcome <> "" then failwith $"{Path.GetFileName path} ({FileInfo(path).Length} bytes): {outcome}"

let tests =
    testList "CIFAR-10 python" [
        testList "writers: every pixel and label decoded" [
            // Each writer's file is checked for the opcodes that make it that writer's, then decoded.
            let writers =
                [ "Python 2 cPickle, protocol 2: keys and pixels as py2 str (SHORT_BINSTRING, BINSTRING)",
                  [ "style", box "py2"; "protocol", box 2 ],
                  [ "U\004data"; "T\000\036\000\000"; "cnumpy.core.multiarray\n_reconstruct\n"; "cnumpy\ndtype\n" ]
                  "Python 3, protocol 2: pixels as _codecs.encode(str, 'latin1'), str keys",
                  [ "protocol", box 2 ],
                  [ "c_codecs\nencode\n"; "cnumpy.core.multiarray\n" ]
                  "Python 3, protocol 2, numpy 2's module numpy._core.multiarray",
                  [ "protocol", box 2; "numpy2", box true ],
                  [ "cnumpy._core.multiarray\n_reconstruct\n" ]
                  "Python 3, protocol 4: pixels as BINBYTES, bytes keys",
                  [ "protocol", box 4; "keys", box "bytes" ],
                  [ "B\000\036\000\000"; "C\004data"; "numpy.core.multiarray" ]
                  "Python 3, protocol 5: numpy's _frombuffer with an in-band buffer",
                  [ "protocol", box 5 ],
                  [ "_frombuffer" ] ]
            for name, fields, opcodes in writers ->
                test name {
                    inTempDir (fun dir ->
                        let path = Path.Combine(dir, "batch")
                        make [ path, ("first", box 5) :: ("count", box 3) :: fields ]
                        let bytes = File.ReadAllBytes path
                        for o in opcodes do
                            Expect.isTrue (contains bytes o) $"the file holds {JsonSerializer.Serialize o}"
                        use set = CifarPickle.Read path
                        expectRecords set 5 3)
                }
        ]

        test "ReadSplit concatenates data_batch_1..5 in order; test_batch is the test split" {
            inTempDir (fun dir ->
                make
                    [ for k, f in List.indexed (List.ofArray CifarPickle.TrainFiles) ->
                          Path.Combine(dir, f), [ "first", box (2 * k); "count", box 2; "style", box (if k % 2 = 0 then "py2" else "py3") ]
                      yield Path.Combine(dir, "test_batch"), [ "first", box 50; "count", box 3; "style", box "py2" ] ]
                use train = CifarPickle.ReadSplit(dir, true)
                expectRecords train 0 10
                use test = CifarPickle.ReadSplit(dir, false)
                expectRecords test 50 3
                Expect.equal train.Name (DirectoryInfo dir).Name "named after the folder")
        }

        test "Cifar10.ReadSplit picks the reader from the files present, or the one asked for" {
            inTempDir (fun root ->
                let py, bin, empty = Path.Combine(root, "py"), Path.Combine(root, "bin"), Path.Combine(root, "empty")
                for d in [ py; bin; empty ] do Directory.CreateDirectory d |> ignore
                make [ for k, f in List.indexed (List.ofArray CifarPickle.TrainFiles) -> Path.Combine(py, f), [ "first", box (2 * k); "count", box 2 ] ]
                for k, f in List.indexed (List.ofArray CifarBinary.TrainFiles) do
                    File.WriteAllBytes(Path.Combine(bin, f), binaryRecord (byte k))
                File.WriteAllBytes(Path.Combine(bin, "test_batch.bin"), binaryRecord 9uy)

                Expect.equal (Cifar10.Detect(py, true)) Cifar10Format.Python "data_batch_1: python"
                Expect.equal (Cifar10.Detect(bin, true)) Cifar10Format.Binary "data_batch_1.bin: binary"
                Expect.equal (Cifar10.Detect(bin, false)) Cifar10Format.Binary "test_batch.bin: binary"
                (use set = Cifar10.ReadSplit(py, true)
                 expectRecords set 0 10)
                (use set = Cifar10.ReadSplit(bin, true)
                 Expect.sequenceEqual (set.Labels.data<int64>().ToArray()) [| 0L .. 4L |] "binary labels")
                (use set = Cifar10.ReadSplit(bin, false)
                 Expect.sequenceEqual (set.Labels.data<int64>().ToArray()) [| 9L |] "binary test split")
                (use set = Cifar10.ReadSplit(py, true, Cifar10Format.Python)
                 Expect.equal set.Count 10L "python, asked for")
                throwsWith<FileNotFoundException> "data_batch_1.bin: CIFAR-10 batch file not found" (fun () ->
                    Cifar10.ReadSplit(py, true, Cifar10Format.Binary) |> ignore)
                throwsWith<FileNotFoundException> "test_batch: CIFAR-10 batch file not found" (fun () ->
                    Cifar10.ReadSplit(bin, false, Cifar10Format.Python) |> ignore)
                throwsWith<FileNotFoundException> "py: neither test_batch.bin nor test_batch found" (fun () -> Cifar10.ReadSplit(py, false) |> ignore)
                let layouts = "expected cifar-10-batches-bin (data_batch_1.bin … data_batch_5.bin, test_batch.bin) or cifar-10-batches-py (data_batch_1 … data_batch_5, test_batch)"
                throwsWith<FileNotFoundException> $"empty: neither data_batch_1.bin nor data_batch_1 found; {layouts}" (fun () ->
                    Cifar10.ReadSplit(empty, true) |> ignore)
                throwsWith<FileNotFoundException> $"empty: neither test_batch.bin nor test_batch found; {layouts}" (fun () ->
                    Cifar10.ReadSplit(empty, false) |> ignore)
                throwsWith<DirectoryNotFoundException> $"nowhere: CIFAR-10 folder not found; {layouts}" (fun () ->
                    Cifar10.ReadSplit(Path.Combine(root, "nowhere"), true) |> ignore))
        }

        test "bad input: missing folder or batch file" {
            inTempDir (fun dir ->
                throwsWith<DirectoryNotFoundException> "nowhere: CIFAR-10 folder not found" (fun () ->
                    CifarPickle.ReadSplit(Path.Combine(dir, "nowhere"), true) |> ignore)
                make [ for f in CifarPickle.TrainFiles.[0..3] -> Path.Combine(dir, f), [ "count", box 1 ] ]
                throwsWith<FileNotFoundException> "data_batch_5: CIFAR-10 batch file not found" (fun () -> CifarPickle.ReadSplit(dir, true) |> ignore)
                throwsWith<FileNotFoundException> "test_batch: CIFAR-10 batch file not found" (fun () -> CifarPickle.ReadSplit(dir, false) |> ignore))
        }

        test "bad input: not a pickle (empty, random bytes, a binary-version file)" {
            inTempDir (fun dir ->
                let file name (bytes: byte[]) =
                    let path = Path.Combine(dir, name)
                    File.WriteAllBytes(path, bytes)
                    path
                let expected = "expected a pickled dict with 'data' (uint8 array [N, 3072]) and 'labels' (N ints 0..9)"
                throwsWith<InvalidDataException> $"empty: empty file; {expected}" (fun () -> CifarPickle.Read(file "empty" [||]) |> ignore)
                let random = Random 17
                let junk = Array.zeroCreate<byte> 4096
                random.NextBytes junk
                junk.[0] <- 0x37uy
                throwsWith<InvalidDataException> "junk: not a pickle (first byte 0x37, expected 0x80, the protocol 2+ header)" (fun () ->
                    CifarPickle.Read(file "junk" junk) |> ignore)
                throwsWith<InvalidDataException> $"data_batch_1.bin: not a pickle (first byte 0x03" (fun () ->
                    CifarPickle.Read(file "data_batch_1.bin" (binaryRecord 3uy)) |> ignore)
                // Random buffers, some behind a protocol 2 header so the unpickler gets further: each an InvalidDataException.
                for n in 1..300 do
                    let bytes = Array.zeroCreate<byte> (random.Next(1, 200))
                    random.NextBytes bytes
                    if n % 2 = 0 && bytes.Length > 2 then
                        bytes.[0] <- 0x80uy
                        bytes.[1] <- 2uy
                    rejected (file $"random_{n}" bytes))
        }

        test "bad input: a pickle cut short" {
            inTempDir (fun dir ->
                let py2, p4 = Path.Combine(dir, "py2"), Path.Combine(dir, "p4")
                make [ py2, [ "style", box "py2"; "count", box 1 ]; p4, [ "protocol", box 4; "count", box 1 ] ]
                for path in [ py2; p4 ] do
                    let whole = File.ReadAllBytes path
                    let cut = Path.Combine(dir, "cut")
                    File.WriteAllBytes(cut, whole.[.. whole.Length / 2])
                    throwsWith<InvalidDataException> "cut: truncated or corrupt pickle (it ends before its STOP opcode)" (fun () ->
                        CifarPickle.Read cut |> ignore)
                    // Every cut through the opcodes before and after the pixels, and through the pixels every 37 bytes.
                    let lengths = [ 1..300 ] @ [ 300..37 .. whole.Length - 300 ] @ [ whole.Length - 300 .. whole.Length - 1 ]
                    for length in List.distinct lengths do
                        File.WriteAllBytes(cut, whole.[.. length - 1])
                        rejected cut)
        }

        test "bad input: no dict, no 'data', no 'labels'" {
            inTempDir (fun dir ->
                let path name = Path.Combine(dir, name)
                make
                    [ path "list", [ "top", box "list" ]
                      path "no_data", [ "omit", box "data"; "style", box "py2" ]
                      path "no_labels", [ "omit", box "labels"; "protocol", box 4; "keys", box "bytes" ] ]
                throwsWith<InvalidDataException> "list: the pickle holds no dict; expected a pickled dict with 'data'" (fun () ->
                    CifarPickle.Read(path "list") |> ignore)
                throwsWith<InvalidDataException> "no_data: no 'data' key (keys: " (fun () -> CifarPickle.Read(path "no_data") |> ignore)
                throwsWith<InvalidDataException> "no_labels: no 'labels' key (keys: " (fun () -> CifarPickle.Read(path "no_labels") |> ignore))
        }

        test "bad input: data of another dtype, shape or order" {
            inTempDir (fun dir ->
                let path name = Path.Combine(dir, name)
                make
                    [ path "int32", [ "dtype", box "int32" ]
                      path "int32_py2", [ "dtype", box "int32"; "style", box "py2" ]
                      path "cols3000", [ "cols", box 3000 ]
                      path "fortran", [ "fortran", box true ]
                      path "fortran_p5", [ "fortran", box true; "protocol", box 5 ] ]
                throwsWith<InvalidDataException> "int32: 'data' has dtype i4, expected uint8 (u1)" (fun () -> CifarPickle.Read(path "int32") |> ignore)
                throwsWith<InvalidDataException> "int32_py2: 'data' has dtype i4, expected uint8 (u1)" (fun () ->
                    CifarPickle.Read(path "int32_py2") |> ignore)
                throwsWith<InvalidDataException> "cols3000: 'data' has shape [2, 3000], expected [N, 3072] (3 × 32 × 32)" (fun () ->
                    CifarPickle.Read(path "cols3000") |> ignore)
                for f in [ "fortran"; "fortran_p5" ] do
                    throwsWith<InvalidDataException> $"{f}: 'data' is stored in Fortran (column-major) order, expected C order" (fun () ->
                        CifarPickle.Read(path f) |> ignore))
        }

        test "bad input: label count, label values" {
            inTempDir (fun dir ->
                let path name = Path.Combine(dir, name)
                make
                    [ path "three_labels", [ "count", box 2; "labels", box [| 1; 2; 3 |] ]
                      path "label10", [ "count", box 2; "labels", box [| 1; 10 |]; "style", box "py2" ]
                      path "label_minus1", [ "count", box 2; "labels", box [| -1; 0 |]; "protocol", box 4 ] ]
                throwsWith<InvalidDataException> "three_labels: 3 labels for the 2 rows of 'data'" (fun () -> CifarPickle.Read(path "three_labels") |> ignore)
                throwsWith<InvalidDataException> "label10: label 1 is 10, expected an int 0..9" (fun () -> CifarPickle.Read(path "label10") |> ignore)
                throwsWith<InvalidDataException> "label_minus1: label 0 is -1, expected an int 0..9" (fun () ->
                    CifarPickle.Read(path "label_minus1") |> ignore))
        }
    ]
