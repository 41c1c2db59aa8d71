using System.Text;
using Eddy.Protocol;
using Record = Eddy.Protocol.Record;

namespace Eddy.Storage.Tests;

/// <summary>Batches of idempotent and transactional producers, as clients send them.</summary>
public static class ProducerBatches
{
    /// <summary><paramref name="count"/> records keyed "{key}-{i}" from producer <paramref name="producerId"/>.</summary>
    public static byte[] Create(long producerId, short epoch, int baseSequence, int count = 1, bool transactional = false, string key = "k", long timestamp = 1_000)
    {
        var records = new Record[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = Record.Create(timestamp + i, Encoding.UTF8.GetBytes($"{key}-{i}"), Encoding.UTF8.GetBytes($"{key}:{i}"));
        }
        return RecordBatchBuilder.Build(records, 0, producerId, epoch, baseSequence, transactional);
    }

    /// <summary>One record per (key, value) pair.</summary>
    public static byte[] Keyed(long producerId, short epoch, int baseSequence, bool transactional, params (string Key, string Value)[] pairs)
    {
        var records = pairs.Select((p, i) => Record.Create(1_000 + i, Encoding.UTF8.GetBytes(p.Key), Encoding.UTF8.GetBytes(p.Value))).ToArray();
        return RecordBatchBuilder.Build(records, 0, producerId, epoch, baseSequence, transactional);
    }

    /// <summary>Copies every file of <paramref name="from"/> to a new directory <paramref name="to"/>: a kill -9 as seen by the next open.</summary>
    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
