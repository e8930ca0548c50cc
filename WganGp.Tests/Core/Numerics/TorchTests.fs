module WganGp.Tests.TorchTests

open Expecto
open TorchSharp

let tests =
    testList "torchsharp" [
        test "libtorch loads in the test process (the build's GLIBCXX compatibility step worked)" {
            use x = torch.ones(3L, 4L)
            Expect.equal (x.sum().item<float32>()) 12.0f "a native op runs"
        }
        test "double backward runs natively" {
            use x = torch.tensor([| 1.5; -2.0 |], requires_grad = true)
            use y = (x * x * x).sum()
            let g = torch.autograd.grad([| y |], [| x |], create_graph = true, retain_graph = true).[0]
            let gg = torch.autograd.grad([| g.sum() |], [| x |]).[0]
            Expect.sequenceEqual (gg.data<float>().ToArray()) [| 9.0; -12.0 |] "d²/dx² of x³ is 6x"
        }
    ]
