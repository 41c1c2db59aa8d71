namespace Eddy.Storage;

/// <summary>
/// The partition directories that a <see cref="PartitionLog"/> of this process has open. Two log objects on one
/// directory would each assign offsets from their own view of the end and overwrite each other's batches, so a second
/// open fails loudly instead. (Another process is kept out by the broker's lock on its data directory.)
/// </summary>
internal static class OpenDirectories
{
    private static readonly HashSet<string> Open = new(StringComparer.Ordinal);

    /// <exception cref="IOException">The directory is already open.</exception>
    public static void Claim(string fullPath)
    {
        lock (Open)
        {
            if (!Open.Add(fullPath))
            {
                throw new IOException($"The partition directory {fullPath} is already open by another log of this process; a directory has exactly one log.");
            }
        }
    }

    public static void Release(string fullPath)
    {
        lock (Open)
        {
            Open.Remove(fullPath);
        }
    }
}
