module WganGp.Tests.CifarTests

open System.IO
open Expecto
open WganGp.Core.Data
open WganGp.Tests.Support

/// A CIFAR-10 binary record: label, then the red, green and blue planes, each filled with a marker value.
let private record (label: byte) (r: byte) (g: byte) (b: byte) =
    Array.concat [ [| label |]; Array.create 1024 r; Array.create 1024 g; Array.create 1024 b ]

let tests =
    testList "CIFAR-10 binary" [
        test "records decode to [N, 3, 32, 32] with the red plane first, labels kept, files concatenated in order" {
            inTempDir (fun dir ->
                for i, f in List.indexed (List.ofArray CifarBinary.TrainFiles) do
                    File.WriteAllBytes(Path.Combine(dir, f), Array.append (record (byte i) 10uy 20uy 30uy) (record 9uy (byte (100 + i)) 0uy 255uy))
                use set = CifarBinary.ReadSplit(dir, true)
                Expect.sequenceEqual set.Images.shape [| 10L; 3L; 32L; 32L |] "shape"
                Expect.sequenceEqual (set.Labels.data<int64>().ToArray()) [| 0L; 9L; 1L; 9L; 2L; 9L; 3L; 9L; 4L; 9L |] "labels in file order"
                let pixel (n: int64) (c: int64) (y: int64) (x: int64) = set.Images.[n, c, y, x].item<byte>()
                Expect.equal (pixel 0L 0L 0L 0L, pixel 0L 1L 31L 31L, pixel 0L 2L 5L 7L) (10uy, 20uy, 30uy) "R, G, B planes"
                Expect.equal (pixel 3L 0L 0L 0L, pixel 3L 2L 0L 0L) (101uy, 255uy) "second record of the second file")
        }

        test "bad input: missing folder or batch, a partial record, a label outside 0..9" {
            inTempDir (fun dir ->
                throwsWith<DirectoryNotFoundException> "nowhere: CIFAR-10 folder not found" (fun () -> CifarBinary.ReadSplit(Path.Combine(dir, "nowhere"), true) |> ignore)
                throwsWith<FileNotFoundException> "test_batch.bin: CIFAR-10 batch file not found" (fun () -> CifarBinary.ReadSplit(dir, false) |> ignore)
                let partial = Path.Combine(dir, "partial.bin")
                File.WriteAllBytes(partial, Array.append (record 1uy 0uy 0uy 0uy) [| 3uy; 1uy |])
                throwsWith<InvalidDataException> "partial.bin: 3075 bytes is not a whole number of 3073-byte records" (fun () -> CifarBinary.Read partial |> ignore)
                let badLabel = Path.Combine(dir, "label.bin")
                File.WriteAllBytes(badLabel, Array.append (record 1uy 0uy 0uy 0uy) (record 12uy 0uy 0uy 0uy))
                throwsWith<InvalidDataException> "label.bin: record 1 has label 12, expected 0..9" (fun () -> CifarBinary.Read badLabel |> ignore))
        }
    ]
