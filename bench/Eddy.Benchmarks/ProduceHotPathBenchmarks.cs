using System.Text;
using BenchmarkDotNet.Attributes;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Benchmarks;

/// <summary>What the broker does to every produced batch: decode the request, check the CRC, walk the records.</summary>
[MemoryDiagnoser]
public class ProduceHotPathBenchmarks
{
    private byte[] _batch = [];
    private byte[] _request = [];

    [Params(16, 256)]
    public int RecordsPerBatch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var value = new byte[1024];
        new Random(1).NextBytes(value);
        _batch = RecordBatchBuilder.Build([.. Enumerable.Range(0, RecordsPerBatch).Select(i => Record.Create(1_700_000_000_000 + i, Encoding.UTF8.GetBytes($"key-{i}"), value))]);
        var request = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = "bench", PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new MemoryRecords(_batch) }] }],
        };
        using var writer = new KafkaWriter();
        request.Write(writer, 9);
        _request = writer.WrittenMemory.ToArray();
    }

    [Benchmark]
    public uint Crc32C() => Eddy.Protocol.Crc32C.Compute(_batch);

    [Benchmark]
    public bool ValidateBatch() => RecordBatchValidator.Validate(_batch, 9, int.MaxValue).IsValid;

    [Benchmark]
    public int DecodeProduceRequest()
    {
        var reader = new KafkaReader(_request);
        var request = new ProduceRequest();
        request.Read(ref reader, 9);
        return request.TopicData[0].PartitionData[0].Records!.SizeInBytes;
    }
}
