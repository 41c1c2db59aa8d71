using System.Collections;
using System.Runtime.CompilerServices;

namespace Eddy.Avro;

/// <summary>
/// Picks the union branch a value is written with, from the value's type (Avro Java's <c>resolveUnion</c>): null
/// the null branch, a record or enum or fixed the branch with its full name, a number its own type or else the
/// first type it widens to, a string the string branch or else an enum that has that symbol.
/// </summary>
internal sealed class UnionBranchSelector
{
    private static readonly ConditionalWeakTable<UnionSchema, UnionBranchSelector> Cache = [];

    private readonly UnionSchema _union;
    private readonly int[] _byType;
    private readonly Dictionary<string, int> _byFullName = new(StringComparer.Ordinal);

    private UnionBranchSelector(UnionSchema union)
    {
        _union = union;
        _byType = new int[Enum.GetValues<AvroType>().Length];
        Array.Fill(_byType, -1);
        for (var i = 0; i < union.Branches.Count; i++)
        {
            var branch = union.Branches[i];
            if (_byType[(int)branch.Type] < 0)
            {
                _byType[(int)branch.Type] = i;
            }

            if (branch is NamedSchema named)
            {
                _byFullName.TryAdd(named.FullName, i);
            }
        }
    }

    public static UnionBranchSelector For(UnionSchema union) => Cache.GetValue(union, static u => new UnionBranchSelector(u));

    /// <summary>The branch index for <paramref name="value"/>; an <see cref="AvroDataException"/> if none fits.</summary>
    public int Select(object? value)
    {
        var index = value switch
        {
            null => _byType[(int)AvroType.Null],
            string s => First(AvroType.String) is var i and >= 0 ? i : EnumWithSymbol(s),
            int or short or byte or sbyte or ushort => First(AvroType.Int, AvroType.Long, AvroType.Float, AvroType.Double),
            long or uint => First(AvroType.Long, AvroType.Float, AvroType.Double),
            bool => _byType[(int)AvroType.Boolean],
            double => First(AvroType.Double),
            float => First(AvroType.Float, AvroType.Double),
            GenericRecord record => Named(record.Schema),
            GenericEnum symbol => Named(symbol.Schema),
            GenericFixed fixedValue => Named(fixedValue.Schema),
            byte[] bytes => First(AvroType.Bytes) is var i and >= 0 ? i : FixedOfSize(bytes.Length),
            ReadOnlyMemory<byte> or Memory<byte> or ArraySegment<byte> => First(AvroType.Bytes),
            IDictionary or IReadOnlyDictionary<string, object?> => First(AvroType.Map) is var i and >= 0 ? i : SingleRecord(),
            IEnumerable => First(AvroType.Array),
            _ => -1,
        };

        return index >= 0
            ? index
            : throw new AvroDataException($"No branch of union {_union.ToCanonicalString()} accepts {Describe(value)}");
    }

    private int First(AvroType type) => _byType[(int)type];

    private int First(AvroType a, AvroType b) => _byType[(int)a] >= 0 ? _byType[(int)a] : _byType[(int)b];

    private int First(AvroType a, AvroType b, AvroType c) => _byType[(int)a] >= 0 ? _byType[(int)a] : First(b, c);

    private int First(AvroType a, AvroType b, AvroType c, AvroType d) => _byType[(int)a] >= 0 ? _byType[(int)a] : First(b, c, d);

    private int Named(NamedSchema schema) => _byFullName.TryGetValue(schema.FullName, out var index) ? index : -1;

    private int EnumWithSymbol(string symbol)
    {
        for (var i = 0; i < _union.Branches.Count; i++)
        {
            if (_union.Branches[i] is EnumSchema e && e.HasSymbol(symbol))
            {
                return i;
            }
        }

        return -1;
    }

    private int FixedOfSize(int size)
    {
        for (var i = 0; i < _union.Branches.Count; i++)
        {
            if (_union.Branches[i] is FixedSchema f && f.Size == size)
            {
                return i;
            }
        }

        return -1;
    }

    // A dictionary may stand for a record when the union has exactly one record branch.
    private int SingleRecord()
    {
        var found = -1;
        for (var i = 0; i < _union.Branches.Count; i++)
        {
            if (_union.Branches[i].Type == AvroType.Record)
            {
                if (found >= 0)
                {
                    return -1;
                }

                found = i;
            }
        }

        return found;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "null",
        GenericRecord record => $"a record {record.Schema.FullName}",
        GenericEnum symbol => $"an enum {symbol.Schema.FullName}",
        GenericFixed fixedValue => $"a fixed {fixedValue.Schema.FullName}",
        _ => $"a {value.GetType().Name}",
    };
}
