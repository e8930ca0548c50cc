using System.Reflection;
using System.Runtime.InteropServices;
using LightningDB;

namespace WganGp.Core.Data.Images;

/// <summary>
/// Chooses the native LMDB library for LightningDB. LightningDB 0.23.1 bundles LMDB 1.0.1, whose file format differs
/// from the LMDB 0.9 that wrote LSUN's databases, and which needs GLIBC 2.38 (Debian 12 has 2.36). The system's
/// liblmdb.so.0 (Debian/Ubuntu package liblmdb0, LMDB 0.9) is therefore tried first, the bundled library second.
/// </summary>
public static class LmdbLibrary
{
    static readonly Lazy<bool> Installed = new(() =>
    {
        NativeLibrary.SetDllImportResolver(typeof(LightningEnvironment).Assembly, Resolve);
        return true;
    });

    /// <summary>The library that was loaded, e.g. "liblmdb.so.0", once one was.</summary>
    public static string? Loaded { get; private set; }

    public static void EnsureResolver() => _ = Installed.Value;

    /// <summary>The package that provides the library on Debian and Ubuntu.</summary>
    public const string Package = "liblmdb0";

    /// <summary>
    /// Installs the resolver and loads the library now, before any LightningDB object exists: LightningEnvironment's
    /// constructor calls into the library, and an environment whose constructor failed cannot be disposed, so its
    /// finalizer would later end the process. A missing library is a <see cref="DllNotFoundException"/> naming the package.
    /// </summary>
    public static void Require()
    {
        EnsureResolver();
        if (Loaded is not null) return;
        if (NativeLibrary.TryLoad("liblmdb.so.0", out _)) return;
        if (NativeLibrary.TryLoad("lmdb", typeof(LightningEnvironment).Assembly, null, out _)) return;
        throw new DllNotFoundException(Missing);
    }

    const string Missing =
        "no usable LMDB library: install the " + Package + " package (apt-get install " + Package + "), which provides liblmdb.so.0";

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "lmdb") return IntPtr.Zero;
        if (NativeLibrary.TryLoad("liblmdb.so.0", out var system))
        {
            Loaded = "liblmdb.so.0";
            return system;
        }
        if (NativeLibrary.TryLoad(name, assembly, searchPath, out var bundled))
        {
            Loaded = "bundled " + name;
            return bundled;
        }
        throw new DllNotFoundException(Missing);
    }
}
