using System.Globalization;
using System.Text;

namespace Eddy.Broker.Transactions;

/// <summary>
/// Hands out producer ids that are never reused, across restarts and crashes: ids are taken from blocks, and the
/// end of the current block is made durable (file replaced atomically, fsynced) before any id of the block is used —
/// Kafka's ProducerIdManager does the same with blocks reserved in its metadata log. A crash wastes at most the rest
/// of a block.
/// </summary>
internal sealed class ProducerIdManager
{
    private const long BlockSize = 1000;
    private const string FileName = "producer-ids.checkpoint";

    private readonly string _path;
    private readonly Lock _lock = new();
    private long _next;
    private long _blockEnd;

    public ProducerIdManager(string dataDirectory)
    {
        _path = Path.Combine(dataDirectory, FileName);
        File.Delete(_path + ".tmp");
        _next = _blockEnd = File.Exists(_path)
            ? long.Parse(File.ReadAllLines(_path)[1], NumberStyles.None, CultureInfo.InvariantCulture)
            : 0;
    }

    public long Next()
    {
        lock (_lock)
        {
            if (_next == _blockEnd)
            {
                Reserve(_blockEnd + BlockSize);
            }
            return _next++;
        }
    }

    /// <summary>Never hand out an id at or below <paramref name="producerId"/> (one found in the transaction log).</summary>
    public void SkipPast(long producerId)
    {
        lock (_lock)
        {
            if (producerId >= _next)
            {
                _next = producerId + 1;
                if (_next > _blockEnd)
                {
                    Reserve(_next + BlockSize);
                }
            }
        }
    }

    private void Reserve(long blockEnd)
    {
        var temporary = _path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"0\n{blockEnd}\n")));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, _path, overwrite: true);
        _blockEnd = blockEnd;
    }
}
