using Google.Protobuf.Reflection;
using T = Eddy.Registry.Protobuf.ProtobufDifferenceType;

namespace Eddy.Registry.Protobuf;

/// <summary>
/// The differences between an original and an updated Protobuf schema, by Confluent's rules (protobuf-provider's
/// <c>SchemaDiff</c>, <c>MessageSchemaDiff</c>, <c>FieldSchemaDiff</c>, <c>EnumSchemaDiff</c>): messages matched by name
/// (a message moved is compatible, a message removed is not), fields by number across the whole message whatever
/// their oneof, field types by kind (scalar — enums count as scalars —, message, map), scalars by Protobuf's wire
/// compatible groups (int32/int64/uint32/uint64/bool and enums; sint32/sint64; string/bytes; fixed32/sfixed32;
/// fixed64/sfixed64; float; double), message fields by their name within their package, labels only where both sides
/// write one, and oneofs by which fields become newly exclusive. Compatibility is the absence of a difference outside
/// <see cref="ProtobufDifference.CompatibleChanges"/>.
/// </summary>
internal static class ProtobufDiff
{
    public static IReadOnlyList<ProtobufDifference> Compare(ProtobufSchemaDocument original, ProtobufSchemaDocument update)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(update);
        var ctx = new DiffContext(original, update);
        if (original.Package != update.Package)
        {
            ctx.Add(T.PACKAGE_CHANGED);
        }
        CompareTypes(ctx, original.Linked.MessageTypes, original.Linked.EnumTypes, update.Linked.MessageTypes, update.Linked.EnumTypes);
        return ctx.Differences;
    }

    private static void CompareTypes(
        DiffContext ctx, IList<DescriptorProto> originalMessages, IList<EnumDescriptorProto> originalEnums,
        IList<DescriptorProto> updateMessages, IList<EnumDescriptorProto> updateEnums)
    {
        // Map entries are the parser's, not the schema's: Confluent's schema elements have no such messages.
        var original = originalMessages.Where(m => m.Options?.MapEntry != true).ToList();
        var update = updateMessages.Where(m => m.Options?.MapEntry != true).ToList();
        foreach (var name in original.Select(m => m.Name).Concat(update.Select(m => m.Name)).Distinct(StringComparer.Ordinal))
        {
            using var scope = ctx.EnterName(name);
            var originalIndex = original.FindIndex(m => m.Name == name);
            var updateIndex = update.FindIndex(m => m.Name == name);
            if (updateIndex < 0)
            {
                ctx.Add(T.MESSAGE_REMOVED);
            }
            else if (originalIndex < 0)
            {
                ctx.Add(T.MESSAGE_ADDED);
            }
            else
            {
                CompareMessage(ctx, original[originalIndex], update[updateIndex]);
                // Moving a message is compatible: message indexes are read with the schema of the record's own id.
                if (originalIndex != updateIndex)
                {
                    ctx.Add(T.MESSAGE_MOVED);
                }
            }
        }
        foreach (var name in originalEnums.Select(e => e.Name).Concat(updateEnums.Select(e => e.Name)).Distinct(StringComparer.Ordinal))
        {
            using var scope = ctx.EnterName(name);
            var originalEnum = originalEnums.FirstOrDefault(e => e.Name == name);
            var updateEnum = updateEnums.FirstOrDefault(e => e.Name == name);
            if (updateEnum is null)
            {
                ctx.Add(T.ENUM_REMOVED);
            }
            else if (originalEnum is null)
            {
                ctx.Add(T.ENUM_ADDED);
            }
            else
            {
                CompareEnum(ctx, originalEnum, updateEnum);
            }
        }
    }

    private static void CompareEnum(DiffContext ctx, EnumDescriptorProto original, EnumDescriptorProto update)
    {
        var originalByNumber = new Dictionary<int, string>();
        original.Values.ToList().ForEach(v => originalByNumber[v.Number] = v.Name);
        var updateByNumber = new Dictionary<int, string>();
        update.Values.ToList().ForEach(v => updateByNumber[v.Number] = v.Name);
        foreach (var number in originalByNumber.Keys.Union(updateByNumber.Keys).Order())
        {
            using var scope = ctx.EnterPath(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!updateByNumber.TryGetValue(number, out var updateName))
            {
                ctx.Add(T.ENUM_CONST_REMOVED);
            }
            else if (!originalByNumber.TryGetValue(number, out var originalName))
            {
                ctx.Add(T.ENUM_CONST_ADDED);
            }
            else if (originalName != updateName)
            {
                ctx.Add(T.ENUM_CONST_CHANGED);
            }
        }
    }

    private static void CompareMessage(DiffContext ctx, DescriptorProto original, DescriptorProto update)
    {
        if (ctx.Enter(original))
        {
            try
            {
                CompareFields(ctx, original, update);
            }
            finally
            {
                ctx.Leave(original);
            }
        }
        CompareTypes(ctx, original.NestedTypes, original.EnumTypes, update.NestedTypes, update.EnumTypes);
    }

    private static void CompareFields(DiffContext ctx, DescriptorProto original, DescriptorProto update)
    {
        var originalFields = Fields(original, ctx.OriginalIsProto3);
        var updateFields = Fields(update, ctx.UpdateIsProto3);

        // A oneof removed none of whose members survives anywhere is a complete (compatible) deletion; otherwise its
        // dropped members are oneof fields removed.
        var completelyDeleted = originalFields.Values.Where(f => f.OneOf is not null).GroupBy(f => f.OneOf!)
            .Where(g => updateFields.Values.All(u => u.OneOf != g.Key) && g.All(f => !updateFields.ContainsKey(f.Field.Number)))
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

        // Newly exclusive fields: a oneof of the update whose earlier members came from more than one group (one
        // earlier oneof, or each earlier top-level field on its own). Brand-new members do not count.
        foreach (var oneOf in OneOfNames(update))
        {
            using var scope = ctx.EnterPath(oneOf);
            var groups = new HashSet<string>(StringComparer.Ordinal);
            var topLevelMovedIn = 0;
            foreach (var member in updateFields.Values.Where(f => f.OneOf == oneOf))
            {
                if (originalFields.TryGetValue(member.Field.Number, out var before))
                {
                    if (before.OneOf is not null)
                    {
                        groups.Add("oneof:" + before.OneOf);
                    }
                    else
                    {
                        groups.Add("field:" + member.Field.Number);
                        topLevelMovedIn++;
                    }
                }
            }
            if (groups.Count > 1)
            {
                ctx.Add(topLevelMovedIn > 1 ? T.MULTIPLE_FIELDS_MOVED_TO_ONEOF : T.FIELD_MOVED_TO_EXISTING_ONEOF);
            }
        }

        var originalOneOfs = OneOfNames(original).ToHashSet(StringComparer.Ordinal);
        var updateOneOfs = OneOfNames(update).ToHashSet(StringComparer.Ordinal);
        foreach (var oneOf in originalOneOfs.Union(updateOneOfs).Order(StringComparer.Ordinal))
        {
            using var scope = ctx.EnterPath(oneOf);
            if (!updateOneOfs.Contains(oneOf))
            {
                ctx.Add(T.ONEOF_REMOVED);
            }
            else if (!originalOneOfs.Contains(oneOf))
            {
                ctx.Add(T.ONEOF_ADDED);
            }
        }

        foreach (var number in originalFields.Keys.Union(updateFields.Keys).Order())
        {
            var tag = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            originalFields.TryGetValue(number, out var before);
            updateFields.TryGetValue(number, out var after);
            if (after is null)
            {
                if (before!.OneOf is { } oneOf)
                {
                    if (!completelyDeleted.Contains(oneOf))
                    {
                        using var outer = ctx.EnterPath(oneOf);
                        using var inner = ctx.EnterPath(tag);
                        ctx.Add(T.ONEOF_FIELD_REMOVED);
                    }
                }
                else
                {
                    using var scope = ctx.EnterPath(tag);
                    ctx.Add(before.Label == FieldDescriptorProto.Label.LabelRequired ? T.REQUIRED_FIELD_REMOVED : T.FIELD_REMOVED);
                }
            }
            else if (before is null)
            {
                if (after.OneOf is { } oneOf)
                {
                    using var outer = ctx.EnterPath(oneOf);
                    using var inner = ctx.EnterPath(tag);
                    ctx.Add(T.ONEOF_FIELD_ADDED);
                }
                else
                {
                    using var scope = ctx.EnterPath(tag);
                    ctx.Add(after.Label == FieldDescriptorProto.Label.LabelRequired ? T.REQUIRED_FIELD_ADDED : T.FIELD_ADDED);
                }
            }
            else
            {
                if (before.OneOf is not null && after.OneOf is null)
                {
                    using var scope = ctx.EnterPath(tag);
                    ctx.Add(T.ONEOF_FIELD_MOVED_TO_TOP_LEVEL);
                }
                if (after.OneOf is { } oneOf)
                {
                    using var outer = ctx.EnterPath(oneOf);
                    using var inner = ctx.EnterPath(tag);
                    CompareField(ctx, before, after);
                }
                else
                {
                    using var scope = ctx.EnterPath(tag);
                    CompareField(ctx, before, after);
                }
            }
        }
    }

    private static void CompareField(DiffContext ctx, FieldInfo original, FieldInfo update)
    {
        if (original.Field.Name != update.Field.Name)
        {
            ctx.Add(T.FIELD_NAME_CHANGED);
        }
        CompareLabelsAndTypes(ctx, original.Label, update.Label, ctx.TypeOf(original.Field, isOriginal: true), ctx.TypeOf(update.Field, isOriginal: false));
    }

    private static void CompareLabelsAndTypes(DiffContext ctx, FieldDescriptorProto.Label? originalLabel, FieldDescriptorProto.Label? updateLabel, FieldType original, FieldType update)
    {
        var originalKind = ctx.KindOf(original, isOriginal: true);
        var updateKind = ctx.KindOf(update, isOriginal: false);
        if (originalKind != updateKind)
        {
            ctx.Add(T.FIELD_KIND_CHANGED);
            return;
        }
        switch (originalKind)
        {
            case FieldKind.Scalar:
                var originalScalar = ctx.ScalarKindOf(original, isOriginal: true);
                if (originalScalar != ctx.ScalarKindOf(update, isOriginal: false))
                {
                    ctx.Add(T.FIELD_SCALAR_KIND_CHANGED);
                }
                else if (originalLabel is not null && updateLabel is not null && originalLabel != updateLabel)
                {
                    ctx.Add(originalScalar == ScalarKind.StringOrBytes ? T.FIELD_STRING_OR_BYTES_LABEL_CHANGED : T.FIELD_NUMERIC_LABEL_CHANGED);
                }
                break;
            case FieldKind.Message:
                CompareMessageTypes(ctx, original.Name!, update.Name!);
                break;
            case FieldKind.Map:
                CompareLabelsAndTypes(ctx, null, null, original.Key!, update.Key!);
                CompareLabelsAndTypes(ctx, null, null, original.Value!, update.Value!);
                break;
        }
    }

    private static void CompareMessageTypes(DiffContext ctx, string original, string update)
    {
        var originalType = ctx.Type(original, isOriginal: true);
        var updateType = ctx.Type(update, isOriginal: false);
        if (originalType is null || updateType is null)
        {
            if (original != update)
            {
                ctx.Add(T.FIELD_NAMED_TYPE_CHANGED);
            }
            return;
        }
        if (originalType.LocalName != updateType.LocalName)
        {
            ctx.Add(T.FIELD_NAMED_TYPE_CHANGED);
            return;
        }
        // Messages the schemas declare themselves are compared where they are declared; imported ones (the
        // well-known types) are compared here, and an incompatible one makes the field's type incompatible.
        if (originalType.Local && updateType.Local)
        {
            return;
        }
        var sub = ctx.Subcontext(originalType.LocalName);
        CompareMessage(sub, originalType.Message!, updateType.Message!);
        ctx.Differences.AddRange(sub.Differences);
        if (sub.Differences.Any(d => !d.IsCompatible))
        {
            ctx.Add(T.FIELD_NAMED_TYPE_CHANGED);
        }
    }

    private static IEnumerable<string> OneOfNames(DescriptorProto message) =>
        message.Fields.Where(f => f.ShouldSerializeOneofIndex() && !f.Proto3Optional).Select(f => message.OneofDecls[f.OneofIndex].Name).Distinct(StringComparer.Ordinal);

    private static Dictionary<int, FieldInfo> Fields(DescriptorProto message, bool proto3)
    {
        var fields = new Dictionary<int, FieldInfo>();
        foreach (var field in message.Fields)
        {
            var oneOf = field.ShouldSerializeOneofIndex() && !field.Proto3Optional ? message.OneofDecls[field.OneofIndex].Name : null;
            fields[field.Number] = new FieldInfo(field, oneOf, LabelOf(message, field, oneOf, proto3));
        }
        return fields;
    }

    // The label as Confluent's schema elements hold it: none in a oneof, on a map, or on a proto3 field written
    // without one; otherwise the one written.
    private static FieldDescriptorProto.Label? LabelOf(DescriptorProto message, FieldDescriptorProto field, string? oneOf, bool proto3)
    {
        if (oneOf is not null)
        {
            return null;
        }
        if (field.label == FieldDescriptorProto.Label.LabelRepeated)
        {
            var simple = field.TypeName is { Length: > 0 } name ? name[(name.LastIndexOf('.') + 1)..] : null;
            var isMap = simple is not null && message.NestedTypes.Any(n => n.Name == simple && n.Options?.MapEntry == true);
            return isMap ? null : FieldDescriptorProto.Label.LabelRepeated;
        }
        if (field.label == FieldDescriptorProto.Label.LabelRequired)
        {
            return FieldDescriptorProto.Label.LabelRequired;
        }
        return proto3 && !field.Proto3Optional ? null : FieldDescriptorProto.Label.LabelOptional;
    }

    private sealed record FieldInfo(FieldDescriptorProto Field, string? OneOf, FieldDescriptorProto.Label? Label);
}

internal enum FieldKind
{
    Scalar,
    Map,
    Message,
}

internal enum ScalarKind
{
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}

/// <summary>A field's type: a scalar's name, a message or enum's full name (no leading dot), or a map's key and value.</summary>
internal sealed record FieldType(string? Scalar, string? Name, FieldType? Key, FieldType? Value);

/// <summary>What a diff is at: the path of its differences, the types each side sees, the messages being compared.</summary>
internal sealed class DiffContext
{
    private readonly ProtobufSchemaDocument _original;
    private readonly ProtobufSchemaDocument _update;
    private readonly List<string> _path = [];
    private readonly HashSet<DescriptorProto> _entered = new(ReferenceEqualityComparer.Instance);

    public DiffContext(ProtobufSchemaDocument original, ProtobufSchemaDocument update)
    {
        _original = original;
        _update = update;
    }

    public List<ProtobufDifference> Differences { get; } = [];

    public bool OriginalIsProto3 => _original.Linked.Syntax == "proto3";

    public bool UpdateIsProto3 => _update.Linked.Syntax == "proto3";

    public void Add(ProtobufDifferenceType type) => Differences.Add(new ProtobufDifference(type, "#/" + string.Join("/", _path)));

    public Scope EnterPath(string part)
    {
        _path.Add(part);
        return new Scope(_path);
    }

    public Scope EnterName(string name) => EnterPath(name);

    public bool Enter(DescriptorProto message) => _entered.Add(message);

    public void Leave(DescriptorProto message) => _entered.Remove(message);

    public DiffContext Subcontext(string localName)
    {
        var sub = new DiffContext(_original, _update, _entered);
        sub._path.AddRange(localName.Split('.'));
        return sub;
    }

    private DiffContext(ProtobufSchemaDocument original, ProtobufSchemaDocument update, HashSet<DescriptorProto> entered)
    {
        _original = original;
        _update = update;
        _entered = new HashSet<DescriptorProto>(entered, ReferenceEqualityComparer.Instance);
    }

    public ProtoTypeInfo? Type(string fullName, bool isOriginal) =>
        (isOriginal ? _original : _update).Types.TryGetValue(fullName, out var info) ? info : null;

    public FieldType TypeOf(FieldDescriptorProto field, bool isOriginal)
    {
        if (string.IsNullOrEmpty(field.TypeName))
        {
            return new FieldType(ProtobufScalars.Name(field.type), null, null, null);
        }
        var name = field.TypeName.TrimStart('.');
        if (Type(name, isOriginal) is { IsMapEntry: true, Message: { } entry })
        {
            return new FieldType(null, null, TypeOf(entry.Fields.First(f => f.Number == 1), isOriginal), TypeOf(entry.Fields.First(f => f.Number == 2), isOriginal));
        }
        return new FieldType(null, name, null, null);
    }

    public FieldKind KindOf(FieldType type, bool isOriginal) =>
        type.Scalar is not null ? FieldKind.Scalar
        : type.Key is not null ? FieldKind.Map
        : Type(type.Name!, isOriginal)?.Enum is not null ? FieldKind.Scalar
        : FieldKind.Message;

    public ScalarKind ScalarKindOf(FieldType type, bool isOriginal) =>
        type.Scalar is null && Type(type.Name!, isOriginal)?.Enum is not null
            ? ScalarKind.GeneralNumber
            : type.Scalar switch
            {
                "int32" or "int64" or "uint32" or "uint64" or "bool" => ScalarKind.GeneralNumber,
                "sint32" or "sint64" => ScalarKind.SignedNumber,
                "string" or "bytes" => ScalarKind.StringOrBytes,
                "fixed32" or "sfixed32" => ScalarKind.Fixed32,
                "fixed64" or "sfixed64" => ScalarKind.Fixed64,
                "float" => ScalarKind.Float,
                _ => ScalarKind.Double,
            };

    /// <summary>Leaves a path part when disposed.</summary>
    public readonly struct Scope(List<string> path) : IDisposable
    {
        public void Dispose() => path.RemoveAt(path.Count - 1);
    }
}
