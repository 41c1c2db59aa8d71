using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Eddy.Sql.Functions;

/// <summary>
/// MD5, SHA1, SHA224, SHA256, SHA384, SHA512 and SHA2(x, bits) of a string's UTF-8 bytes (or of bytes), as
/// lower-case hex strings, as Flink gives them. .NET has no SHA-224, so it is computed here (SHA-256 with SHA-224's
/// initial values, truncated to 28 bytes, per FIPS 180-4).
/// </summary>
internal static class HashFunctions
{
#pragma warning disable CA5351, CA5350 // MD5 and SHA-1 are what the SQL functions are named for, not used for security here.
    public static string Md5(string s) => Hex(MD5.HashData(Encoding.UTF8.GetBytes(s)));
    public static string Md5(byte[] s) => Hex(MD5.HashData(s));
    public static string Sha1(string s) => Hex(SHA1.HashData(Encoding.UTF8.GetBytes(s)));
    public static string Sha1(byte[] s) => Hex(SHA1.HashData(s));
#pragma warning restore CA5351, CA5350
    public static string Sha224(string s) => Hex(Sha224Hash(Encoding.UTF8.GetBytes(s)));
    public static string Sha224(byte[] s) => Hex(Sha224Hash(s));
    public static string Sha256(string s) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
    public static string Sha256(byte[] s) => Hex(SHA256.HashData(s));
    public static string Sha384(string s) => Hex(SHA384.HashData(Encoding.UTF8.GetBytes(s)));
    public static string Sha384(byte[] s) => Hex(SHA384.HashData(s));
    public static string Sha512(string s) => Hex(SHA512.HashData(Encoding.UTF8.GetBytes(s)));
    public static string Sha512(byte[] s) => Hex(SHA512.HashData(s));

    /// <summary>SHA2(s, bits): bits 224, 256 (or 0), 384 or 512; other lengths give NULL.</summary>
    public static string? Sha2(string s, int bits) => Sha2(Encoding.UTF8.GetBytes(s), bits);

    public static string? Sha2(byte[] s, int bits) => bits switch
    {
        224 => Sha224(s),
        0 or 256 => Sha256(s),
        384 => Sha384(s),
        512 => Sha512(s),
        _ => null,
    };

    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>SHA-224 (FIPS 180-4 §6.3).</summary>
    internal static byte[] Sha224Hash(byte[] message)
    {
        uint[] h = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];
        var paddedLength = (message.Length + 9 + 63) / 64 * 64;
        var data = new byte[paddedLength];
        message.CopyTo(data, 0);
        data[message.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(paddedLength - 8), (ulong)message.Length * 8);
        var w = new uint[64];
        for (var block = 0; block < paddedLength; block += 64)
        {
            for (var t = 0; t < 16; t++)
                w[t] = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(block + t * 4));
            for (var t = 16; t < 64; t++)
            {
                var s0 = uint.RotateRight(w[t - 15], 7) ^ uint.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
                var s1 = uint.RotateRight(w[t - 2], 17) ^ uint.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
                w[t] = unchecked(w[t - 16] + s0 + w[t - 7] + s1);
            }
            uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
            for (var t = 0; t < 64; t++)
            {
                var s1 = uint.RotateRight(e, 6) ^ uint.RotateRight(e, 11) ^ uint.RotateRight(e, 25);
                var ch = (e & f) ^ (~e & g);
                var temp1 = unchecked(hh + s1 + ch + K[t] + w[t]);
                var s0 = uint.RotateRight(a, 2) ^ uint.RotateRight(a, 13) ^ uint.RotateRight(a, 22);
                var maj = (a & b) ^ (a & c) ^ (b & c);
                var temp2 = unchecked(s0 + maj);
                hh = g;
                g = f;
                f = e;
                e = unchecked(d + temp1);
                d = c;
                c = b;
                b = a;
                a = unchecked(temp1 + temp2);
            }
            h[0] = unchecked(h[0] + a);
            h[1] = unchecked(h[1] + b);
            h[2] = unchecked(h[2] + c);
            h[3] = unchecked(h[3] + d);
            h[4] = unchecked(h[4] + e);
            h[5] = unchecked(h[5] + f);
            h[6] = unchecked(h[6] + g);
            h[7] = unchecked(h[7] + hh);
        }
        var digest = new byte[28];
        for (var i = 0; i < 7; i++)
            BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(i * 4), h[i]);
        return digest;
    }
}
