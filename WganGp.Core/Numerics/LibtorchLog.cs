using System.Reflection;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace WganGp.Core.Numerics;

/// <summary>
/// libtorch's own log (c10): on CPUs without NNPACK support it prints "Could not initialize NNPACK! Reason: Unsupported
/// hardware." at every convolution that asks for it — dozens of lines that hide real messages. c10 drops messages below
/// its global threshold <c>FLAGS_caffe2_log_level</c> (0 info, 1 warning, 2 error); raising it to error keeps errors.
/// TORCH_CPP_LOG_LEVEL is not read by libtorch as TorchSharp loads it, so the flag is set directly.
/// </summary>
public static class LibtorchLog
{
    const string Library = "libc10.so", Flag = "FLAGS_caffe2_log_level";
    const int Error = 2;

    /// <summary>Hides libtorch's warnings for the rest of the process. False (and nothing changes) when the flag cannot
    /// be found — another libtorch build — which only means the warnings stay.</summary>
    public static bool HideWarnings()
    {
        _ = get_num_threads();   // loads libtorch (and libc10 with it) if it is not loaded yet
        var assembly = typeof(TorchSharp.torch).Assembly;
        if (!NativeLibrary.TryLoad(Library, assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory,
                out var handle)
            && !NativeLibrary.TryLoad(Library, out handle))
            return false;
        if (!NativeLibrary.TryGetExport(handle, Flag, out var address)) return false;
        if (Marshal.ReadInt32(address) < Error) Marshal.WriteInt32(address, Error);
        return true;
    }
}
