namespace Eddy.Engine.Runtime;

/// <summary>
/// Kafka's default partitioner for keyed records (<c>Utils.murmur2</c>, then <c>toPositive(hash) % partitions</c>),
/// bit for bit, so that the test kit, Eddy's runtime and any Kafka producer put a key in the same partition.
/// </summary>
public static class Murmur2Partitioner
{
    public static int Partition(ReadOnlySpan<byte> key, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(partitions, 0);
        return (Murmur2(key) & 0x7fffffff) % partitions;
    }

    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var length = data.Length;
        var h = 0x9747b28c ^ (uint)length;
        var length4 = length / 4;
        for (var i = 0; i < length4; i++)
        {
            var i4 = i * 4;
            var k = data[i4] | ((uint)data[i4 + 1] << 8) | ((uint)data[i4 + 2] << 16) | ((uint)data[i4 + 3] << 24);
            unchecked
            {
                k *= m;
                k ^= k >> r;
                k *= m;
                h *= m;
                h ^= k;
            }
        }

        var tail = length & ~3;
        switch (length % 4)
        {
            case 3:
                h ^= (uint)data[tail + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[tail + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[tail];
                h = unchecked(h * m);
                break;
        }

        unchecked
        {
            h ^= h >> 13;
            h *= m;
            h ^= h >> 15;
        }

        return unchecked((int)h);
    }
}
