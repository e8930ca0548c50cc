module WganGp.Tests.TextCorpusTests

open System
open System.IO
open System.Text
open Expecto
open TorchSharp
open WganGp.Core.Data
open WganGp.Core.Data.Text
open WganGp.Tests.Support

/// Writes training file `number` of the Billion Word layout below `dir`, holding the given raw bytes.
let private writeBytes dir number (bytes: byte[]) =
    let folder = Directory.CreateDirectory(Path.Combine(dir, CharCorpus.TrainingFolder)).FullName
    let path = Path.Combine(folder, CharCorpus.FileName number)
    File.WriteAllBytes(path, bytes)
    path

/// Writes training file `number` holding the lines, each ended by '\n', as UTF-8.
let private writeLines dir number (lines: string list) =
    writeBytes dir number (Encoding.UTF8.GetBytes(String.concat "" [ for l in lines -> l + "\n" ]))

let private options length = CharCorpusOptions(SequenceLength = length)

/// The corpus lines decoded to text, sorted (so independent of the shuffle).
let private texts (corpus: CharCorpus) = corpus.Lines |> Seq.map corpus.Vocabulary.Decode |> Seq.sort |> List.ofSeq

let private tokens (v: CharVocabulary) = [ for id in 0 .. v.Count - 1 -> v.Token id ]

let private ids (t: torch.Tensor) = t.data<int64>().ToArray()

let tests =
    testList "Text corpus" [
        test "each line loses its '\\n' (only), is truncated to SequenceLength and right-padded with '`'" {
            inTempDir (fun dir ->
                // The last line has no newline and is kept whole; '\r' is a character, as in Python 2's file iteration.
                writeBytes dir 1 (Encoding.UTF8.GetBytes "abc\nabcdefgh\n\na\rb\nxyz") |> ignore
                let corpus = CharCorpus.Load(dir, options 5)
                Expect.equal corpus.Count 5 "five lines"
                Expect.equal (texts corpus) [ "`````"; "a\rb``"; "abc``"; "abcde"; "xyz``" ] "padded and truncated"
                for line in corpus.Lines do Expect.equal line.Length 5 "every line has SequenceLength ids")
        }

        test "vocabulary: 'unk' is id 0, then characters by count over the padded lines, ties in first-occurrence order" {
            inTempDir (fun dir ->
                // Padded to 4: "aab`", "ccb`", "d```": '`' 5, a 2, b 2, c 2, d 1; first seen a, b, '`', c, d.
                writeLines dir 1 [ "aab"; "ccb"; "d" ] |> ignore
                let v = (CharCorpus.Load(dir, options 4)).Vocabulary
                Expect.equal (tokens v) [ "unk"; "`"; "a"; "b"; "c"; "d" ] "frequency, then first occurrence"
                Expect.equal (List.ofSeq v.Units) [ -1; int '`'; int 'a'; int 'b'; int 'c'; int 'd' ] "units by id"
                Expect.equal (v.IdOf(int 'c'), v.IdOf(int 'z')) (4, 0) "id of a character; absent ones are 'unk'"
                // The same counts with c seen before a: the ties reorder, whatever the shuffle seed.
                writeLines dir 1 [ "ccb"; "aab"; "d" ] |> ignore
                for seed in [ 1L; 2L ] do
                    let v = (CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 4, ShuffleSeed = seed))).Vocabulary
                    Expect.equal (tokens v) [ "unk"; "`"; "c"; "b"; "a"; "d" ] $"first occurrence decides ties (seed {seed})")
        }

        test "MaxVocabulary caps the entries ('unk' included); rarer characters become id 0" {
            inTempDir (fun dir ->
                writeLines dir 1 [ "aab"; "ccb"; "d" ] |> ignore
                let corpus = CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 4, MaxVocabulary = 4))
                Expect.equal (tokens corpus.Vocabulary) [ "unk"; "`"; "a"; "b" ] "four entries"
                let lines = corpus.Lines |> Seq.map List.ofArray |> Seq.sort |> List.ofSeq
                Expect.equal lines [ [ 0; 0; 3; 1 ]; [ 0; 1; 1; 1 ]; [ 2; 2; 3; 1 ] ] "c and d are 'unk'"
                Expect.equal (texts corpus) [ "aab`"; "unk```"; "unkunkb`" ] "'unk' decodes as the code's string 'unk'")
        }

        test "files 1..99 are read in numeric order (others ignored), MaxLines caps the lines across files" {
            inTempDir (fun dir ->
                let f10 = writeLines dir 10 [ "c1"; "c2"; "c3" ]
                let f2 = writeLines dir 2 [ "b1" ]
                let f1 = writeLines dir 1 [ "a1"; "a2" ]
                writeLines dir 0 [ "held-out" ] |> ignore
                writeLines dir 100 [ "beyond" ] |> ignore
                let load maxLines = CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 3, MaxLines = maxLines))
                let all = load 100
                Expect.equal (List.ofSeq all.Files) [ f1; f2; f10 ] "numeric order, files 0 and 100 skipped"
                Expect.equal (texts all) [ "a1`"; "a2`"; "b1`"; "c1`"; "c2`"; "c3`" ] "every line"
                Expect.equal (texts (load 4)) [ "a1`"; "a2`"; "b1`"; "c1`" ] "the first 4 lines in file order"
                let three = load 3
                Expect.equal (List.ofSeq three.Files) [ f1; f2 ] "file 10 not opened once the cap is reached"
                Expect.equal (texts three) [ "a1`"; "a2`"; "b1`" ] "3 lines"
                // The training folder itself is accepted as the data folder.
                let direct = CharCorpus.Load(Path.Combine(dir, CharCorpus.TrainingFolder), options 3)
                Expect.equal (List.ofSeq direct.Files) [ f1; f2; f10 ] "same files"
                Expect.equal (texts direct) (texts all) "same lines")
        }

        test "the lines are shuffled once by the seed: same seed, same order; another seed, another order" {
            inTempDir (fun dir ->
                let written = [ for i in 0 .. 19 -> $"line{i:D2}" ]
                writeLines dir 1 written |> ignore
                let order seed =
                    let c = CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 6, ShuffleSeed = seed))
                    [ for l in c.Lines -> c.Vocabulary.Decode l ]
                let a = order 3L
                Expect.equal (order 3L) a "same seed"
                Expect.notEqual (order 4L) a "another seed"
                Expect.notEqual a written "shuffled"
                Expect.equal (List.sort a) written "a permutation of the lines")
        }

        test "one-hot batches: float32 [B, L, V], exactly one 1 per position, at the line's id" {
            inTempDir (fun dir ->
                writeLines dir 1 [ for i in 0 .. 9 -> String('a' + char i, i % 4 + 1) ] |> ignore
                let corpus = CharCorpus.Load(dir, options 5)
                use hot = new CharBatches(corpus, 7L)
                use twin = new CharBatches(corpus, 7L)
                let lines = corpus.Lines |> Seq.map (Array.map int64) |> Set.ofSeq
                for _ in 1 .. 5 do
                    use batch = hot.NextBatch 4
                    use expected = twin.NextIds 4
                    Expect.sequenceEqual batch.shape [| 4L; 5L; int64 corpus.Vocabulary.Count |] "shape"
                    Expect.equal batch.dtype torch.float32 "float32"
                    use ones = batch.eq(torch.tensor 1.0f).sum()
                    use zeros = batch.eq(torch.tensor 0.0f).sum()
                    Expect.equal (ones.item<int64>(), zeros.item<int64>()) (20L, batch.numel() - 20L) "only 0 and 1, one 1 per position"
                    use argmax = batch.argmax(2L)
                    Expect.sequenceEqual (ids argmax) (ids expected) "argmax is the ids of the same batch"
                    for row in ids argmax |> Array.chunkBySize 5 do
                        Expect.isTrue (lines.Contains row) "each row is a corpus line"
                Expect.equal hot.Position (SamplerPosition(2L, 4L)) "5 batches of 4 from 10 lines (tail of 2 skipped)")
        }

        test "a restored position continues with exactly the batches an uninterrupted sampler gives" {
            inTempDir (fun dir ->
                writeLines dir 1 [ for i in 0 .. 9 -> $"s{i}" ] |> ignore
                let corpus = CharCorpus.Load(dir, options 3)
                let batch (s: CharBatches) = (use b = s.NextBatch 3 in use a = b.argmax(2L) in ids a)
                use straight = new CharBatches(corpus, 9L)
                let all = [ for _ in 1 .. 7 -> batch straight ]
                use first = new CharBatches(corpus, 9L)
                for _ in 1 .. 4 do first.NextBatch 3 |> _.Dispose()
                use resumed = new CharBatches(corpus, 9L)
                resumed.Restore first.Position
                Expect.equal [ for _ in 1 .. 3 -> batch resumed ] (List.skip 4 all) "batches 5-7")
        }

        test "Bytes (the default) counts 'é' as its 2 UTF-8 bytes, Utf8 as 1 character" {
            inTempDir (fun dir ->
                writeLines dir 1 [ "café" ] |> ignore
                let bytes = CharCorpus.Load(dir, options 6)
                let runes = CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 6, Unit = TextUnit.Utf8))
                Expect.equal CharCorpusOptions.Bytes.Unit TextUnit.Bytes "Bytes preset"
                Expect.equal (CharCorpusOptions()).Unit TextUnit.Bytes "Bytes is the default"
                let padding (c: CharCorpus) = c.Lines.[0] |> Array.filter ((=) (c.Vocabulary.IdOf(int '`'))) |> Array.length
                Expect.equal (padding bytes, padding runes) (1, 2) "café is 5 bytes but 4 characters"
                Expect.equal (set (tokens bytes.Vocabulary)) (set [ "unk"; "`"; "c"; "a"; "f"; "\\xc3"; "\\xa9" ]) "two byte entries for é"
                Expect.equal (set (tokens runes.Vocabulary)) (set [ "unk"; "`"; "c"; "a"; "f"; "é" ]) "one entry for é"
                Expect.equal (texts bytes, texts runes) ([ "café`" ], [ "café``" ]) "both decode to the text"
                // Truncation to 4 cuts é in half under Bytes (decoded as U+FFFD), keeps it under Utf8.
                Expect.equal (texts (CharCorpus.Load(dir, options 4))) [ "caf\uFFFD" ] "half a character"
                Expect.equal (texts (CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 4, Unit = TextUnit.Utf8)))) [ "café" ] "whole")
        }

        test "Encode and Decode round-trip text, 'unk' written as asked" {
            inTempDir (fun dir ->
                writeLines dir 1 [ "né à"; "ça" ] |> ignore
                for unit in [ TextUnit.Bytes; TextUnit.Utf8 ] do
                    let v = (CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 8, Unit = unit))).Vocabulary
                    Expect.equal (v.Decode(v.Encode "à ça né`")) "à ça né`" $"{unit}: round trip"
                    Expect.equal (v.Decode(v.Encode "naz")) "naunk" $"{unit}: unknown character"
                    Expect.equal (v.Decode(v.Encode "zéz", "?")) "?é?" $"{unit}: unknown written as '?'"
                    Expect.equal (v.Encode "é").Length (if unit = TextUnit.Bytes then 2 else 1) $"{unit}: units of é")
        }

        test "bad input: each case names the path or option and what was expected" {
            inTempDir (fun dir ->
                let missing = Path.Combine(dir, "nowhere")
                throwsWith<DirectoryNotFoundException> $"{missing}: Billion Word data folder not found" (fun () -> CharCorpus.Load(missing, options 4) |> ignore)
                File.WriteAllText(Path.Combine(dir, "news.en-00001-of-00099"), "wrong name\n")
                throwsWith<FileNotFoundException> $"{dir}: no Billion Word training files (expected news.en-00001-of-00100 … news.en-00099-of-00100"
                    (fun () -> CharCorpus.Load(dir, options 4) |> ignore)
                let empty = writeBytes dir 3 [||]
                throwsWith<InvalidDataException> $"{Path.GetDirectoryName empty}: the corpus is empty (0 lines in news.en-00003-of-00100)"
                    (fun () -> CharCorpus.Load(dir, options 4) |> ignore)
                let bad = writeBytes dir 1 [| yield! "ok\n"B; 0x61uy; 0xffuy; 0x62uy; 10uy |]
                throwsWith<InvalidDataException> $"{bad}: line 2: invalid UTF-8 at byte 1" (fun () -> CharCorpus.Load(dir, CharCorpusOptions.Utf8) |> ignore)
                Expect.equal (CharCorpus.Load(dir, options 4)).Count 2 "Bytes reads any bytes"
                throwsWith<ArgumentOutOfRangeException> "SequenceLength must be at least 1" (fun () -> CharCorpus.Load(dir, options 0) |> ignore)
                throwsWith<ArgumentOutOfRangeException> "MaxLines must be at least 1" (fun () -> CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 4, MaxLines = 0)) |> ignore)
                throwsWith<ArgumentOutOfRangeException> "MaxVocabulary must be at least 2" (fun () -> CharCorpus.Load(dir, CharCorpusOptions(SequenceLength = 4, MaxVocabulary = 1)) |> ignore)
                let corpus = CharCorpus.Load(dir, options 4)
                throwsWith<ArgumentOutOfRangeException> $"batch size must be in 1..2 for {corpus.Folder}" (fun () -> (new CharBatches(corpus, 0L)).NextBatch 3 |> ignore)
                let v = corpus.Vocabulary.Count
                throwsWith<ArgumentOutOfRangeException> $"not an id of this vocabulary (0..{v - 1})" (fun () -> corpus.Vocabulary.Decode [ v ] |> ignore))
        }
    ]
