using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Eddy.Engine;
using Eddy.Engine.Runtime;

namespace Eddy.Bench;

/// <summary>One click as the hand-written C# jobs of `eddy bench sql` read it.</summary>
internal sealed record Click(string User, string Page, int Amount, long Timestamp);

/// <summary>The filter/projection's output row: <c>user, page, amount * 2</c>.</summary>
internal sealed record DoubledClick(string User, string Page, int Amount2);

/// <summary>The tumbling count's output row.</summary>
internal sealed record PageCount(long WindowStart, long WindowEnd, string Page, long Count);

/// <summary>
/// The click records `eddy bench sql` loads, JSON as a Kafka producer would write them:
/// <c>{"user":"user-000042","page":"/page/0017","amount":57,"ts":"2026-12-07T21:00:00.123"}</c>, keyed by the user
/// (its partition by murmur2). Amounts spread over 0-99 (so <c>amount &gt; 10</c> keeps 89 %), pages over
/// <see cref="SqlBenchOptions.Pages"/> by a hash of the index, and the timestamps advance by one second every
/// <see cref="SqlBenchOptions.EventRate"/> records.
/// </summary>
internal sealed class ClickInputs
{
    private readonly SqlBenchOptions _options;
    private readonly byte[][] _users;
    private readonly int[] _partitions;
    private readonly string[] _pages;

    /// <param name="options">Records, users, pages, partitions and event rate.</param>
    /// <param name="start">The first record's timestamp (Unix ms).</param>
    public ClickInputs(SqlBenchOptions options, long start)
    {
        _options = options;
        Start = start;
        _users = [.. Enumerable.Range(0, options.Users).Select(u => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"user-{u:D6}")))];
        _partitions = [.. _users.Select(u => Murmur2Partitioner.Partition(u, options.Partitions))];
        _pages = [.. Enumerable.Range(0, options.Pages).Select(p => string.Create(CultureInfo.InvariantCulture, $"/page/{p:D4}"))];
    }

    /// <summary>The first record's timestamp (Unix ms).</summary>
    public long Start { get; }

    /// <summary>The records, <see cref="SqlBenchOptions.Records"/> of them.</summary>
    public IEnumerable<InputRecord> Records()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using var writer = new Utf8JsonWriter(buffer);
        for (long i = 0; i < _options.Records; i++)
        {
            var u = (int)(i % _users.Length);
            // A multiplicative hash of the index: pages and amounts unrelated to the user and the order.
            var hash = (ulong)i * 0x9E3779B97F4A7C15UL;
            var timestamp = Start + (i * 1000 / _options.EventRate);
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteString("user"u8, _users[u]);
            writer.WriteString("page"u8, _pages[(int)((hash >> 32) % (ulong)_pages.Length)]);
            writer.WriteNumber("amount"u8, (int)((hash >> 20) % 100));
            writer.WriteString("ts"u8, DateTime.UnixEpoch.AddMilliseconds(timestamp).ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.Flush();
            yield return new InputRecord(_partitions[u], _users[u], buffer.WrittenSpan.ToArray(), timestamp);
        }
    }
}

/// <summary>
/// The hand-written C# jobs that `eddy bench sql` sets against the SQL ones: the same JSON read with
/// <see cref="Utf8JsonReader"/> over the bytes, the same JSON written with <see cref="Utf8JsonWriter"/>.
/// </summary>
internal static class ClickJobs
{
    /// <summary><c>INSERT INTO out SELECT user, page, amount * 2 FROM clicks WHERE amount &gt; 10</c> in C#.</summary>
    public static Engine.Plan.JobPlan Filter(string name, string input, string output)
    {
        var job = new JobBuilder(name);
        job.Source(input, Serdes.Bytes, ClickJsonSerde.Instance, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero), static (_, click, kafka) => click?.Timestamp ?? kafka)
            .Filter(static (_, click) => click.Amount > 10)
            // As the SQL sink without a key format: records without a key.
            .Map(static (_, click) => ((byte[])null!, new DoubledClick(click.User, click.Page, click.Amount * 2)), Serdes.Bytes, DoubledClickJsonSerde.Instance)
            .To(output);
        return job.Build();
    }

    /// <summary>The 10 s tumbling count per page in C#: <c>KeyBy(page).Window(Tumbling(10 s)).Count()</c>.</summary>
    public static Engine.Plan.JobPlan Tumble(string name, string input, string output)
    {
        var job = new JobBuilder(name);
        job.Source(input, Serdes.Bytes, ClickJsonSerde.Instance, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.Zero), static (_, click, kafka) => click?.Timestamp ?? kafka)
            // The repartition topic carries the clicks in a compact binary form, as a careful C# job would.
            .KeyBy(static (_, click) => click.Page, Serdes.String, ClickBinarySerde.Instance, name: "by-page")
            .Window(Windows.Tumbling(TimeSpan.FromSeconds(10)), name: "count")
            .Count()
            .Map(static (windowed, count) => ((byte[])null!, new PageCount(windowed.Start, windowed.End, windowed.Key, count)), Serdes.Bytes, PageCountJsonSerde.Instance)
            .To(output);
        return job.Build();
    }
}

/// <summary>A serde that writes JSON through one <see cref="Utf8JsonWriter"/> per thread (the serdes are shared by the stream threads).</summary>
internal abstract class JsonWritingSerde<T> : ISerde<T>
{
    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    public byte[] Serialize(T value)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public void Serialize(T value, IBufferWriter<byte> into)
    {
        var writer = _writer ??= new Utf8JsonWriter(into);
        writer.Reset(into);
        Write(writer, value);
        writer.Flush();
    }

    public virtual T Deserialize(ReadOnlySpan<byte> data) => throw new NotSupportedException($"{GetType().Name} only writes.");

    protected abstract void Write(Utf8JsonWriter writer, T value);
}

/// <summary>Reads a click's JSON (fields in any order, unknown fields skipped); writes it back the same way.</summary>
internal sealed class ClickJsonSerde : JsonWritingSerde<Click>
{
    public static ClickJsonSerde Instance { get; } = new();

    public override Click Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read();
        string? user = null, page = null;
        var amount = 0;
        long timestamp = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("user"u8))
            {
                reader.Read();
                user = reader.GetString();
            }
            else if (reader.ValueTextEquals("page"u8))
            {
                reader.Read();
                page = reader.GetString();
            }
            else if (reader.ValueTextEquals("amount"u8))
            {
                reader.Read();
                amount = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                timestamp = (reader.GetDateTime().Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new Click(user!, page!, amount, timestamp);
    }

    protected override void Write(Utf8JsonWriter writer, Click value)
    {
        writer.WriteStartObject();
        writer.WriteString("user"u8, value.User);
        writer.WriteString("page"u8, value.Page);
        writer.WriteNumber("amount"u8, value.Amount);
        writer.WriteString("ts"u8, DateTime.UnixEpoch.AddMilliseconds(value.Timestamp));
        writer.WriteEndObject();
    }
}

internal sealed class DoubledClickJsonSerde : JsonWritingSerde<DoubledClick>
{
    public static DoubledClickJsonSerde Instance { get; } = new();

    protected override void Write(Utf8JsonWriter writer, DoubledClick value)
    {
        writer.WriteStartObject();
        writer.WriteString("user"u8, value.User);
        writer.WriteString("page"u8, value.Page);
        writer.WriteNumber("amount2"u8, value.Amount2);
        writer.WriteEndObject();
    }
}

internal sealed class PageCountJsonSerde : JsonWritingSerde<PageCount>
{
    public static PageCountJsonSerde Instance { get; } = new();

    protected override void Write(Utf8JsonWriter writer, PageCount value)
    {
        writer.WriteStartObject();
        writer.WriteString("window_start"u8, DateTime.UnixEpoch.AddMilliseconds(value.WindowStart));
        writer.WriteString("window_end"u8, DateTime.UnixEpoch.AddMilliseconds(value.WindowEnd));
        writer.WriteString("page"u8, value.Page);
        writer.WriteNumber("cnt"u8, value.Count);
        writer.WriteEndObject();
    }
}

/// <summary>A click in binary: user and page as length-prefixed UTF-8, the amount and the timestamp little-endian.</summary>
internal sealed class ClickBinarySerde : ISerde<Click>
{
    public static ClickBinarySerde Instance { get; } = new();

    public byte[] Serialize(Click value)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public void Serialize(Click value, IBufferWriter<byte> into)
    {
        var user = Encoding.UTF8.GetByteCount(value.User);
        var page = Encoding.UTF8.GetByteCount(value.Page);
        var span = into.GetSpan(20 + user + page);
        BinaryPrimitives.WriteInt32LittleEndian(span, user);
        Encoding.UTF8.GetBytes(value.User, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(4 + user)..], page);
        Encoding.UTF8.GetBytes(value.Page, span[(8 + user)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(8 + user + page)..], value.Amount);
        BinaryPrimitives.WriteInt64LittleEndian(span[(12 + user + page)..], value.Timestamp);
        into.Advance(20 + user + page);
    }

    public Click Deserialize(ReadOnlySpan<byte> data)
    {
        var user = BinaryPrimitives.ReadInt32LittleEndian(data);
        var userText = Encoding.UTF8.GetString(data.Slice(4, user));
        var page = BinaryPrimitives.ReadInt32LittleEndian(data[(4 + user)..]);
        var pageText = Encoding.UTF8.GetString(data.Slice(8 + user, page));
        var rest = data[(8 + user + page)..];
        return new Click(userText, pageText, BinaryPrimitives.ReadInt32LittleEndian(rest), BinaryPrimitives.ReadInt64LittleEndian(rest[4..]));
    }
}
