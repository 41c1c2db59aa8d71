using System.Globalization;
using System.Text;
using Eddy.Engine.Runtime;

namespace Eddy.Bench;

/// <summary>One record to load: its partition, key, value and timestamp (Unix ms).</summary>
internal readonly record struct InputRecord(int Partition, byte[] Key, byte[] Value, long Timestamp);

/// <summary>
/// The records `eddy bench engine` loads. A stream record <c>i</c> has key <c>key-(i mod K)</c> (ten bytes), a value of
/// <c>RecordSize - 10</c> ASCII bytes — a digit 0-9 (changing every seven records; the stateless job drops the '0's),
/// a six-digit pseudo-random score (the Top-N's sort key), then letters — and a timestamp advancing by 1 s every
/// <see cref="EngineBenchOptions.EventRate"/> records. The table holds one row per key, timestamped before the stream.
/// Every record goes to its key's partition by Kafka's default partitioner (murmur2), so each topic is partitioned by
/// its key: a join may read stream and table as they are (<c>AsKeyed</c>, Kafka Streams' co-partitioning).
/// </summary>
internal sealed class EngineInputs
{
    /// <summary>Characters of the score after the leading digit.</summary>
    public const int ScoreDigits = 6;

    private const int ScoreRange = 1_000_000;

    private readonly EngineBenchOptions _options;
    private readonly byte[][] _keys;
    private readonly int[] _partitions;
    private readonly int _valueLength;

    /// <param name="options">Records, record size, keys, partitions and event rate.</param>
    /// <param name="start">The first stream record's timestamp (Unix ms).</param>
    public EngineInputs(EngineBenchOptions options, long start)
    {
        _options = options;
        Start = start;
        _keys = [.. Enumerable.Range(0, options.Keys).Select(k => Encoding.ASCII.GetBytes(KeyText(k)))];
        _partitions = [.. _keys.Select(k => Murmur2Partitioner.Partition(k, options.Partitions))];
        _valueLength = Math.Max(1 + ScoreDigits, options.RecordSize - _keys[0].Length);
    }

    /// <summary>The first stream record's timestamp; the table's rows are a minute older.</summary>
    public long Start { get; }

    /// <summary>The key of the <paramref name="k"/>-th key, <c>key-NNNNNN</c>.</summary>
    public static string KeyText(int k) => string.Create(CultureInfo.InvariantCulture, $"key-{k:D6}");

    /// <summary>The Top-N job's partition key of a record's key: its number modulo <paramref name="groups"/>.</summary>
    public static int TopNGroup(string key, int groups) => int.Parse(key.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture) % groups;

    /// <summary>The score a stream value carries after its leading digit.</summary>
    public static int Score(string value) => int.Parse(value.AsSpan(1, ScoreDigits), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The stream's records, <see cref="EngineBenchOptions.Records"/> of them.</summary>
    public IEnumerable<InputRecord> Stream()
    {
        for (long i = 0; i < _options.Records; i++)
        {
            var k = (int)(i % _keys.Length);
            yield return new InputRecord(_partitions[k], _keys[k], StreamValue(i), Start + i * 1000 / _options.EventRate);
        }
    }

    /// <summary>The table's rows, one per key, all timestamped a minute before the stream's first record.</summary>
    public IEnumerable<InputRecord> Table()
    {
        for (var k = 0; k < _keys.Length; k++)
        {
            var value = new byte[_valueLength];
            Fill(value, k);
            yield return new InputRecord(_partitions[k], _keys[k], value, Start - 60_000);
        }
    }

    private byte[] StreamValue(long i)
    {
        var value = new byte[_valueLength];
        Fill(value, (int)((i / 7) % 10));
        value[0] = (byte)('0' + (i / 7) % 10);
        // A multiplicative hash of the index: scores spread over the range, unrelated to the key and the order.
        var score = (int)(((ulong)i * 0x9E3779B97F4A7C15UL >> 32) % ScoreRange);
        for (var d = ScoreDigits; d >= 1; d--)
        {
            value[d] = (byte)('0' + score % 10);
            score /= 10;
        }

        return value;
    }

    private static void Fill(byte[] value, int seed)
    {
        for (var c = 0; c < value.Length; c++)
        {
            value[c] = (byte)('a' + ((c * 7 + seed) % 26));
        }
    }
}
