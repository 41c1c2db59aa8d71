using System.Buffers;
using BenchmarkDotNet.Attributes;
using Eddy.Avro;

namespace Eddy.Benchmarks;

/// <summary>
/// What the CLI and the registry's clients do per message: encode a typical 10-field record, decode it with the
/// same schema, and decode it through a resolution plan (a newer reader schema).
/// </summary>
[MemoryDiagnoser]
public class AvroCodecBenchmarks
{
    private const string WriterSchema = """
        {"type":"record","name":"PageView","namespace":"bench","fields":[
          {"name":"userId","type":"int"},
          {"name":"timestamp","type":"long"},
          {"name":"url","type":"string"},
          {"name":"durationSeconds","type":"double"},
          {"name":"bounced","type":"boolean"},
          {"name":"device","type":{"type":"enum","name":"Device","symbols":["DESKTOP","MOBILE","TABLET"]}},
          {"name":"referrer","type":["null","string"],"default":null},
          {"name":"scrollDepths","type":{"type":"array","items":"int"}},
          {"name":"headers","type":{"type":"map","values":"string"}},
          {"name":"payload","type":"bytes"}]}
        """;

    // The next version: userId widened to long, a field added with a default, payload dropped.
    private const string ReaderSchema = """
        {"type":"record","name":"PageView","namespace":"bench","fields":[
          {"name":"userId","type":"long"},
          {"name":"timestamp","type":"long"},
          {"name":"url","type":"string"},
          {"name":"durationSeconds","type":"double"},
          {"name":"bounced","type":"boolean"},
          {"name":"device","type":{"type":"enum","name":"Device","symbols":["DESKTOP","MOBILE","TABLET","TV"],"default":"DESKTOP"}},
          {"name":"referrer","type":["null","string"],"default":null},
          {"name":"scrollDepths","type":{"type":"array","items":"int"}},
          {"name":"headers","type":{"type":"map","values":"string"}},
          {"name":"country","type":"string","default":"unknown"}]}
        """;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private AvroDatumWriter _writer = null!;
    private AvroDatumReader _reader = null!;
    private AvroDatumReader _resolvingReader = null!;
    private GenericRecord _record = null!;
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup()
    {
        var writerSchema = (RecordSchema)AvroSchema.Parse(WriterSchema);
        var readerSchema = AvroSchema.Parse(ReaderSchema);
        var device = (EnumSchema)writerSchema.GetField("device")!.Schema;
        _record = new GenericRecord(writerSchema,
            123456,
            1_700_000_000_123L,
            "https://example.com/products/42?ref=home",
            12.75,
            false,
            new GenericEnum(device, "MOBILE"),
            "https://search.example.org/",
            new List<object?> { 10, 35, 60, 85, 100 },
            new Dictionary<string, object?> { ["user-agent"] = "Mozilla/5.0", ["accept-language"] = "en-GB" },
            new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 });
        _writer = AvroDatumWriter.For(writerSchema);
        _reader = AvroDatumReader.For(writerSchema);
        _resolvingReader = AvroDatumReader.For(writerSchema, readerSchema);
        _bytes = _writer.Serialize(_record);
    }

    [Benchmark]
    public int Serialize()
    {
        _buffer.ResetWrittenCount();
        _writer.Write(_buffer, _record);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public object? Deserialize() => _reader.Read(_bytes);

    [Benchmark]
    public object? RoundTrip()
    {
        _buffer.ResetWrittenCount();
        _writer.Write(_buffer, _record);
        return _reader.Read(_buffer.WrittenSpan);
    }

    [Benchmark]
    public object? ResolvingDeserialize() => _resolvingReader.Read(_bytes);
}
