using System.Reflection;
using Eddy.Avro;

namespace Eddy.Engine.Avro.Mapping;

/// <summary>
/// Checks that a C# type fits an Avro record schema and builds the <see cref="RecordMapper"/> between them. Names
/// match ignoring case and underscores (<c>user_id</c> is <c>UserId</c>). Every problem is collected, so that one
/// <see cref="ArgumentException"/> lists them all with their paths when the serde is made, never per record.
/// </summary>
internal sealed class MapperBuilder
{
    private static readonly Dictionary<AvroType, Type> Primitives = new()
    {
        [AvroType.Boolean] = typeof(bool),
        [AvroType.Int] = typeof(int),
        [AvroType.Long] = typeof(long),
        [AvroType.Float] = typeof(float),
        [AvroType.Double] = typeof(double),
        [AvroType.String] = typeof(string),
        [AvroType.Bytes] = typeof(byte[]),
    };

    private static readonly Type[] ListTypes =
        [typeof(List<>), typeof(IList<>), typeof(ICollection<>), typeof(IEnumerable<>), typeof(IReadOnlyList<>), typeof(IReadOnlyCollection<>)];

    private static readonly Type[] DictionaryTypes = [typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>)];

    // One mapper per (type, schema), made before its fields, so that recursive records close on themselves.
    private readonly Dictionary<(Type, RecordSchema), RecordMapper> _records = [];
    private readonly List<string> _problems = [];

    public static RecordMapper Build(Type type, RecordSchema schema)
    {
        var builder = new MapperBuilder();
        var mapper = builder.Record(type, schema, "");
        return builder._problems.Count == 0
            ? mapper
            : throw new ArgumentException(
                $"{type.Name} does not fit Avro record {schema.FullName}: {string.Join("; ", builder._problems)}", nameof(type));
    }

    private ValueMapper Value(Type type, AvroSchema schema, string path)
    {
        if (type == typeof(object))
        {
            return IdentityMapper.Instance;
        }

        var plain = Nullable.GetUnderlyingType(type) ?? type;
        switch (schema)
        {
            case UnionSchema union:
                var others = union.Branches.Where(b => b.Type != AvroType.Null).ToList();
                if (others.Count != 1 || others.Count == union.Branches.Count)
                {
                    return Problem(path, $"the union {union} maps only to object (only [\"null\", T] unions map to nullable members)");
                }

                var inner = Value(plain, others[0], path);
                return type.IsValueType && Nullable.GetUnderlyingType(type) is null
                    ? Problem(path, $"{union} may be null, {type.Name} cannot (make it {type.Name}?)")
                    : new NullableMapper(inner);
            case RecordSchema record when !plain.IsPrimitive && plain != typeof(string):
                return Record(plain, record, path);
            case EnumSchema enumSchema when plain.IsEnum:
                var missing = enumSchema.Symbols.Where(s => !Enum.GetNames(plain).Contains(s, StringComparer.Ordinal)).ToList();
                return missing.Count == 0
                    ? new EnumMapper(plain, enumSchema)
                    : Problem(path, $"enum {plain.Name} has no member for symbol(s) {string.Join(", ", missing)}");
            case FixedSchema fixedSchema when type == typeof(byte[]):
                return new FixedMapper(fixedSchema);
            case ArraySchema array when ElementOf(type) is { } element:
                return new ListMapper(element, type.IsArray, Value(element, array.Items, path + "/[]"));
            case MapSchema map when ValueOf(type) is { } value:
                return new DictionaryMapper(value, Value(value, map.Values, path + "/{}"));
            case PrimitiveSchema when Primitives.TryGetValue(schema.Type, out var expected) && plain == expected:
                return IdentityMapper.Instance;
            default:
                return Problem(path, $"{schema} does not map to {type.Name}");
        }
    }

    private RecordMapper Record(Type type, RecordSchema schema, string path)
    {
        if (_records.TryGetValue((type, schema), out var known))
        {
            return known;
        }

        var mapper = new RecordMapper(type, schema);
        _records[(type, schema)] = mapper;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .GroupBy(p => Key(p.Name))
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var written = new List<RecordMapper.Written>();
        foreach (var field in schema.Fields)
        {
            if (properties.TryGetValue(Key(field.Name), out var property) && property.CanRead)
            {
                written.Add(new RecordMapper.Written(field.Name, property, Value(property.PropertyType, field.Schema, $"{path}/{field.Name}")));
            }
            else if (!field.HasDefault)
            {
                Problem($"{path}/{field.Name}", $"{type.Name} has no property for it, and it has no default");
            }
        }

        var constructor = type.GetConstructor(Type.EmptyTypes)
            ?? type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null && !type.IsValueType)
        {
            Problem(path, $"{type.Name} has no public constructor");
        }

        var fieldsByKey = schema.Fields.GroupBy(f => Key(f.Name)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var arguments = new List<RecordMapper.Argument>();
        var byConstructor = new HashSet<int>();
        foreach (var parameter in constructor?.GetParameters() ?? [])
        {
            if (fieldsByKey.TryGetValue(Key(parameter.Name ?? ""), out var field))
            {
                byConstructor.Add(field.Position);
                arguments.Add(new RecordMapper.Argument(field.Position, Value(parameter.ParameterType, field.Schema, $"{path}/{field.Name}"), null));
            }
            else if (parameter.HasDefaultValue)
            {
                arguments.Add(new RecordMapper.Argument(-1, null, parameter.DefaultValue));
            }
            else
            {
                Problem(path, $"constructor parameter {parameter.Name} of {type.Name} matches no field");
            }
        }

        var assigned = new List<RecordMapper.Assigned>();
        foreach (var field in schema.Fields.Where(f => !byConstructor.Contains(f.Position)))
        {
            if (properties.TryGetValue(Key(field.Name), out var property) && property.SetMethod is { IsPublic: true })
            {
                assigned.Add(new RecordMapper.Assigned(field.Position, property, Value(property.PropertyType, field.Schema, $"{path}/{field.Name}")));
            }
        }

        // A struct without a declared constructor is made with its default one (Activator): no constructor to call.
        mapper.Define([.. written], constructor is { } c && c.GetParameters().Length > 0 ? c : null, [.. arguments], [.. assigned]);
        return mapper;
    }

    private IdentityMapper Problem(string path, string problem)
    {
        _problems.Add($"{(path.Length == 0 ? "/" : path)}: {problem}");
        return IdentityMapper.Instance;
    }

    private static string Key(string name) => name.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && ListTypes.Contains(type.GetGenericTypeDefinition()) ? type.GetGenericArguments()[0]
        : null;

    private static Type? ValueOf(Type type) =>
        type.IsGenericType && DictionaryTypes.Contains(type.GetGenericTypeDefinition()) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;
}
