namespace Eddy.Testing;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <param name="prefix">Starts the directory's name, so a leftover one tells which tests made it.</param>
    public TempDirectory(string prefix = "eddy-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // A test may remove the directory itself (or the process that owned it).
        }
        catch (IOException)
        {
            // A process killed by a test may still be releasing files; the OS temp cleaner gets the rest.
        }
    }
}
