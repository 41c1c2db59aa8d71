using System.Buffers.Binary;
using System.Text;
using Eddy.Protocol;

namespace Eddy.Protocol.Tests;

public class RecordBatchTests
{
    private static byte[] Batch(int count = 3) => RecordBatchBuilder.Build(
        [.. Enumerable.Range(0, count).Select(i => Record.Create(1_700_000_000_000 + i, Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"value {i}"), new RecordHeader("h", Encoding.UTF8.GetBytes("x"))))]);

    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        // CRC-32C("123456789") = 0xE3069283 (RFC 3720 test vector).
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Built_batch_is_valid_and_decodes_to_its_records()
    {
        var batch = Batch();
        Assert.True(RecordBatchValidator.Validate(batch, 9, 1 << 20).IsValid);
        var records = RecordBatchReader.Decode(batch);
        Assert.Equal(3, records.Count);
        Assert.Equal("value 2", Encoding.UTF8.GetString(records[2].Value!.Value.Span));
        Assert.Equal(2, records[2].Offset);
        Assert.Equal("h", records[1].Headers[0].Key);
    }

    [Fact]
    public void Flipped_payload_byte_fails_the_crc()
    {
        var batch = Batch();
        batch[^3] ^= 0xFF;
        var result = RecordBatchValidator.Validate(batch, 9, 1 << 20);
        Assert.Equal(ErrorCode.CorruptMessage, result.Error);
        Assert.Contains("crc", result.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Wrong_magic_is_invalid_record()
    {
        var batch = Batch();
        batch[RecordBatch.MagicOffset] = 1;
        Assert.Equal(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(batch, 9, 1 << 20).Error);
    }

    [Fact]
    public void Wrong_offset_delta_is_invalid_record()
    {
        var batch = Batch();
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.LastOffsetDeltaOffset), 5);
        RecordBatch.RewriteCrc(batch);
        Assert.Equal(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(batch, 9, 1 << 20).Error);
    }

    [Fact]
    public void Truncated_and_oversized_batches()
    {
        var batch = Batch();
        Assert.Equal(ErrorCode.CorruptMessage, RecordBatchValidator.Validate(batch.AsSpan(0, batch.Length - 1), 9, 1 << 20).Error);
        Assert.Equal(ErrorCode.MessageTooLarge, RecordBatchValidator.Validate(batch, 9, batch.Length - 1).Error);
        var two = batch.Concat(batch).ToArray();
        Assert.Equal(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(two, 9, 1 << 20).Error);
    }

    [Fact]
    public void Control_batches_from_clients_are_rejected()
    {
        var batch = RecordBatchBuilder.Build([Record.Create(1, new byte[] { 0, 0, 0, 1 }, new byte[] { 0, 0, 0, 0, 0, 0 })], control: true, transactional: true);
        Assert.Equal(ErrorCode.InvalidRecord, RecordBatchValidator.Validate(batch, 9, 1 << 20).Error);
    }

    [Fact]
    public void Log_append_time_rewrites_attributes_and_crc()
    {
        var batch = Batch();
        RecordBatch.SetLogAppendTime(batch, 42);
        Assert.Equal(TimestampType.LogAppendTime, RecordBatch.TimestampType(batch));
        Assert.Equal(42, RecordBatch.MaxTimestamp(batch));
        Assert.True(RecordBatch.IsCrcValid(batch));
    }
}
