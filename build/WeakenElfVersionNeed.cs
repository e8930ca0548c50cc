// MSBuild task (compiled by RoslynCodeTaskFactory from Directory.Build.targets).
// TorchSharp 0.107's libLibTorchSharp.so was linked against GCC 13's libstdc++ and lists GLIBCXX_3.4.32 as a required
// version, only for std::ios_base_library_init(), which it references but never calls. Hosts with an older libstdc++
// (Debian 12, Ubuntu 22.04) refuse to load it. Marking that one requirement weak (VER_FLG_WEAK in its Vernaux entry of
// .gnu.version_r) turns the loader's error into a warning. We patch only the copy in the build/publish output.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenElfVersionNeed : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Library { get; set; } = "";   // e.g. libstdc++.so.6
    [Required] public string Version { get; set; } = "";   // e.g. GLIBCXX_3.4.32
    /// <summary>Candidate paths of the host's library; if any of them provides Version, nothing is patched.</summary>
    public string[] HostLibraries { get; set; } = Array.Empty<string>();

    public override bool Execute()
    {
        var needle = Encoding.ASCII.GetBytes(Version + "\0");
        var host = HostLibraries.FirstOrDefault(File.Exists);
        if (host != null && IndexOf(File.ReadAllBytes(host), needle) >= 0)
        {
            Log.LogMessage(MessageImportance.Low, $"{host} provides {Version}; no patch needed.");
            return true;
        }
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            try
            {
                var result = Patch(path);
                Log.LogMessage(MessageImportance.Normal, $"{path}: {result}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                Log.LogError($"Cannot mark {Version} weak in {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    string Patch(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (bytes[4] != 2 || bytes[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        ulong shoff = BitConverter.ToUInt64(bytes, 0x28);
        int shentsize = BitConverter.ToUInt16(bytes, 0x3A), shnum = BitConverter.ToUInt16(bytes, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)shoff + s * shentsize);
            if (BitConverter.ToUInt32(bytes, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(bytes, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(bytes, sh + 0x28), count = (int)BitConverter.ToUInt32(bytes, sh + 0x2C);
            int strtab = checked((int)BitConverter.ToUInt64(bytes, (int)shoff + link * shentsize + 0x18));

            int vn = offset;
            for (int i = 0; i < count; i++)
            {
                int auxCount = BitConverter.ToUInt16(bytes, vn + 2);
                string file = CString(bytes, strtab + (int)BitConverter.ToUInt32(bytes, vn + 4));
                int aux = vn + (int)BitConverter.ToUInt32(bytes, vn + 8);
                for (int j = 0; j < auxCount && file == Library; j++)
                {
                    if (CString(bytes, strtab + (int)BitConverter.ToUInt32(bytes, aux + 8)) == Version)
                    {
                        ushort flags = BitConverter.ToUInt16(bytes, aux + 4);
                        if ((flags & VerFlgWeak) != 0) return $"{Version} already weak";
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(bytes, aux + 4);
                        // Write to a temporary file and rename, so an interrupted build never leaves a torn library.
                        var tmp = path + ".weak.tmp";
                        File.WriteAllBytes(tmp, bytes);
                        File.Replace(tmp, path, null);
                        return $"marked {Version} of {Library} weak";
                    }
                    aux += (int)BitConverter.ToUInt32(bytes, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(bytes, vn + 12);
            }
        }
        return $"no {Version} requirement on {Library}";
    }

    static string CString(byte[] b, int start)
    {
        int end = Array.IndexOf(b, (byte)0, start);
        return Encoding.ASCII.GetString(b, start, end - start);
    }

    // Task code is compiled against netstandard2.0 (no spans), hence the plain loop.
    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
