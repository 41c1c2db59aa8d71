using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Eddy.Protocol;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using Snappier;
using ZstdSharp;

namespace Eddy.Storage;

/// <summary>
/// The codecs of record batches (magic 2), used by the cleaner to reach the records of compressed batches and to
/// compress the ones it rewrites with the batch's own codec. The compressed bytes are everything after the 61-byte
/// header. Formats as Kafka's clients write them: gzip (RFC 1952); snappy either raw (librdkafka) or in xerial
/// framing (the Java client's SnappyOutputStream), kept as found; LZ4 frame format with independent 64 KiB blocks
/// (KafkaLZ4BlockOutputStream); zstd frames.
/// </summary>
internal static class RecordCompression
{
    /// <summary>Largest decompressed size accepted: a batch cannot hold more than a segment does.</summary>
    private const int MaxDecompressedBytes = int.MaxValue - 64;

    private const int XerialBlockSize = 32 * 1024;

    // "\x82SNAPPY\0", then int32 version and int32 minimum compatible version (1, 1), then [int32 length][block]*.
    private static readonly byte[] XerialMagic = [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];
    private const int XerialHeaderSize = 16;

    public static bool IsSupported(CompressionType codec) => codec is >= CompressionType.None and <= CompressionType.Zstd;

    /// <summary>True when snappy data is in xerial framing (the cleaner writes it back the same way).</summary>
    public static bool IsXerialFramed(ReadOnlySpan<byte> compressed) =>
        compressed.Length >= XerialHeaderSize && compressed[..XerialMagic.Length].SequenceEqual(XerialMagic);

    /// <summary>The records of a batch's payload. Throws <see cref="InvalidDataException"/> on data the codec cannot read.</summary>
    public static byte[] Decompress(CompressionType codec, ReadOnlySpan<byte> compressed)
    {
        try
        {
            return codec switch
            {
                CompressionType.None => compressed.ToArray(),
                CompressionType.Gzip => DecompressStream(compressed, static input => new GZipStream(input, CompressionMode.Decompress)),
                CompressionType.Snappy => IsXerialFramed(compressed) ? DecompressXerial(compressed) : Snappy.DecompressToArray(compressed),
                CompressionType.Lz4 => DecompressLz4(compressed),
                CompressionType.Zstd => DecompressStream(compressed, static input => new DecompressionStream(input)),
                _ => throw new InvalidDataException($"Unknown compression codec {(int)codec}."),
            };
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"The {codec} payload of a batch could not be decompressed: {e.Message}", e);
        }
    }

    /// <summary>Compresses records with <paramref name="codec"/>; <paramref name="xerial"/> selects snappy's framing.</summary>
    public static byte[] Compress(CompressionType codec, ReadOnlySpan<byte> records, bool xerial)
    {
        switch (codec)
        {
            case CompressionType.None:
                return records.ToArray();
            case CompressionType.Gzip:
                {
                    using var output = new MemoryStream(records.Length / 2 + 64);
                    using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(records);
                    }
                    return output.ToArray();
                }
            case CompressionType.Snappy:
                return xerial ? CompressXerial(records) : Snappy.CompressToArray(records);
            case CompressionType.Lz4:
                {
                    var writer = new ArrayBufferWriter<byte>(records.Length / 2 + 64);
                    LZ4Frame.Encode(records, writer, new LZ4EncoderSettings
                    {
                        BlockSize = 64 * 1024,
                        ChainBlocks = false,
                        ContentChecksum = false,
                        BlockChecksum = false,
                        CompressionLevel = LZ4Level.L00_FAST,
                    });
                    return writer.WrittenSpan.ToArray();
                }
            case CompressionType.Zstd:
                {
                    using var compressor = new Compressor(3);
                    return compressor.Wrap(records).ToArray();
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(codec), codec, "Unknown compression codec.");
        }
    }

    private static byte[] DecompressStream(ReadOnlySpan<byte> compressed, Func<Stream, Stream> open)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var decoder = open(input);
        using var output = new MemoryStream(compressed.Length * 4);
        decoder.CopyTo(output);
        if (output.Length > MaxDecompressedBytes)
        {
            throw new InvalidDataException("The decompressed records are larger than a segment.");
        }
        return output.ToArray();
    }

    private static byte[] DecompressLz4(ReadOnlySpan<byte> compressed)
    {
        var writer = new ArrayBufferWriter<byte>(compressed.Length * 4);
        LZ4Frame.Decode(compressed, writer);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] DecompressXerial(ReadOnlySpan<byte> compressed)
    {
        var output = new ArrayBufferWriter<byte>(compressed.Length * 4);
        var position = XerialHeaderSize;
        while (position < compressed.Length)
        {
            if (compressed.Length - position < 4)
            {
                throw new InvalidDataException("A xerial snappy block length is cut short.");
            }
            var length = BinaryPrimitives.ReadInt32BigEndian(compressed[position..]);
            position += 4;
            if (length < 0 || length > compressed.Length - position)
            {
                throw new InvalidDataException($"A xerial snappy block of {length} bytes does not fit the payload.");
            }
            var block = compressed.Slice(position, length);
            var size = Snappy.GetUncompressedLength(block);
            Snappy.Decompress(block, output.GetSpan(size)[..size]);
            output.Advance(size);
            position += length;
        }
        return output.WrittenSpan.ToArray();
    }

    private static byte[] CompressXerial(ReadOnlySpan<byte> records)
    {
        var output = new ArrayBufferWriter<byte>(records.Length / 2 + 64);
        var header = output.GetSpan(XerialHeaderSize);
        XerialMagic.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], 1);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], 1);
        output.Advance(XerialHeaderSize);
        for (var position = 0; position < records.Length; position += XerialBlockSize)
        {
            var block = records.Slice(position, Math.Min(XerialBlockSize, records.Length - position));
            var span = output.GetSpan(4 + Snappy.GetMaxCompressedLength(block.Length));
            var written = Snappy.Compress(block, span[4..]);
            BinaryPrimitives.WriteInt32BigEndian(span, written);
            output.Advance(4 + written);
        }
        return output.WrittenSpan.ToArray();
    }
}
