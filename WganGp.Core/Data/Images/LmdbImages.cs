using System.Text;
using LightningDB;

namespace WganGp.Core.Data.Images;

/// <summary>
/// Encoded images stored as the values of an LMDB database, as LSUN is distributed (e.g. bedroom_train_lmdb/ holding
/// data.mdb; keys are image ids, values WebP or JPEG bytes). Opened read-only without a lock file, so a database on
/// read-only storage works; the keys are listed once, in the database's (sorted) order.
/// </summary>
public sealed class LmdbImages : IEncodedImages
{
    readonly string path;
    readonly LightningEnvironment environment;
    readonly LightningDatabase database;
    readonly byte[][] keys;

    public LmdbImages(string path)
    {
        this.path = path;
        var isFolder = Directory.Exists(path);
        var dataFile = isFolder ? Path.Combine(path, "data.mdb") : path;
        if (!isFolder && !File.Exists(path))
            throw new DirectoryNotFoundException($"{path}: LMDB database not found (expected a folder holding data.mdb, as LSUN's bedroom_train_lmdb)");
        if (!File.Exists(dataFile))
            throw new FileNotFoundException($"{path}: no data.mdb inside; expected an LMDB database folder (as LSUN's bedroom_train_lmdb)", dataFile);
        // Loaded before the environment exists: a LightningEnvironment whose constructor failed cannot be disposed,
        // and its finalizer would end the process.
        try { LmdbLibrary.Require(); }
        catch (DllNotFoundException e) { throw new DllNotFoundException($"{path}: cannot open the LMDB database: {e.Message}", e); }
        // The map must cover the whole file; a read-only environment never grows it.
        var mapSize = Math.Max(new FileInfo(dataFile).Length, 1L << 20);
        environment = new LightningEnvironment(path, new EnvironmentConfiguration { MapSize = mapSize, MaxReaders = 126 });
        try
        {
            environment.Open(EnvironmentOpenFlags.ReadOnly | EnvironmentOpenFlags.NoLock | EnvironmentOpenFlags.NoThreadLocalStorage
                             | (isFolder ? EnvironmentOpenFlags.None : EnvironmentOpenFlags.NoSubDir));
            var list = new List<byte[]>();
            using (var transaction = environment.BeginTransaction(TransactionBeginFlags.ReadOnly))
            {
                database = transaction.OpenDatabase(configuration: new DatabaseConfiguration { Flags = DatabaseOpenFlags.None });
                using var cursor = transaction.CreateCursor(database);
                foreach (var (key, _) in cursor.AsEnumerable())
                    list.Add(key.CopyToNewArray());
            }
            keys = list.ToArray();
            if (keys.Length == 0) throw new InvalidDataException($"{path}: the LMDB database holds no images");
        }
        catch (Exception e)
        {
            // Every failure releases the native environment (and the database handle, if it was opened).
            database?.Dispose();
            environment.Dispose();
            if (e is LightningException)
                throw new InvalidDataException($"{path}: not a readable LMDB database ({LmdbLibrary.Loaded}): {e.Message}", e);
            throw;
        }
        Name = Path.GetFileName(Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar));
    }

    public string Name { get; }
    public long Count => keys.Length;

    public string KeyOf(long index) => $"{path} key '{Printable(keys[index])}'";

    public byte[]?[] Read(IReadOnlyList<long> indices, string?[] errors)
    {
        var result = new byte[]?[indices.Count];
        using var transaction = environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
        for (var i = 0; i < indices.Count; i++)
        {
            var (code, _, value) = transaction.Get(database, keys[indices[i]]);
            if (code == MDBResultCode.Success) result[i] = value.CopyToNewArray();
            else errors[i] = $"LMDB read failed: {code}";
        }
        return result;
    }

    public void Dispose()
    {
        database.Dispose();
        environment.Dispose();
    }

    /// <summary>Writes an LMDB database of encoded images (key → bytes) into a new folder, as LSUN's are laid out;
    /// used by the tests and the data benchmark, and to pack an image folder for faster reading.</summary>
    public static void Create(string folder, IEnumerable<(string Key, byte[] Value)> items)
    {
        LmdbLibrary.Require();
        if (File.Exists(Path.Combine(folder, "data.mdb"))) throw new IOException($"{folder}: an LMDB database already exists there");
        Directory.CreateDirectory(folder);
        var all = items.ToList();
        var mapSize = Math.Max(1L << 20, 2L * all.Sum(i => (long)i.Value.Length + i.Key.Length + 64) + (1L << 20));
        using var environment = new LightningEnvironment(folder, new EnvironmentConfiguration { MapSize = mapSize });
        environment.Open();
        using var transaction = environment.BeginTransaction();
        using var database = transaction.OpenDatabase(configuration: new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
        foreach (var (key, value) in all)
        {
            var code = transaction.Put(database, Encoding.UTF8.GetBytes(key), value);
            if (code != MDBResultCode.Success) throw new IOException($"{folder}: writing key '{key}' failed: {code}");
        }
        var committed = transaction.Commit();
        if (committed != MDBResultCode.Success) throw new IOException($"{folder}: commit failed: {committed}");
    }

    static string Printable(byte[] key)
    {
        var text = Encoding.UTF8.GetString(key);
        return text.All(c => !char.IsControl(c) && c != '\uFFFD') ? text : Convert.ToHexString(key);
    }
}
