using System.Globalization;
using System.Text;

namespace Eddy.Protocol.Generator;

/// <summary>
/// Emits one C# file per message: a class with a property per field, Read and Write for every valid version,
/// and a nested class per struct. Flexible versions use compact lengths and a tagged-field section per struct.
/// </summary>
internal sealed class MessageEmitter
{
    private static readonly Dictionary<string, string> Primitives = new()
    {
        ["bool"] = "bool",
        ["int8"] = "sbyte",
        ["int16"] = "short",
        ["uint16"] = "ushort",
        ["int32"] = "int",
        ["uint32"] = "uint",
        ["int64"] = "long",
        ["float64"] = "double",
        ["uuid"] = "Uuid",
        ["string"] = "string",
        ["bytes"] = "byte[]",
        ["records"] = "Records",
    };

    private static readonly Dictionary<string, string> ReadMethods = new()
    {
        ["bool"] = "ReadBool",
        ["int8"] = "ReadInt8",
        ["int16"] = "ReadInt16",
        ["uint16"] = "ReadUInt16",
        ["int32"] = "ReadInt32",
        ["uint32"] = "ReadUInt32",
        ["int64"] = "ReadInt64",
        ["float64"] = "ReadFloat64",
        ["uuid"] = "ReadUuid",
    };

    private readonly MessageSpec _spec;
    private readonly string _header;
    private readonly Dictionary<string, List<FieldSpec>> _structs = [];
    private readonly Dictionary<string, string> _classNames = [];
    private readonly StringBuilder _out = new();
    private int _indent;

    /// <param name="spec">The message to emit.</param>
    /// <param name="header">The comment block the file starts with (see <see cref="KafkaSource.Header"/>).</param>
    public MessageEmitter(MessageSpec spec, string header)
    {
        _spec = spec;
        _header = header;
        foreach (var common in spec.CommonStructs)
        {
            _structs[common.Name] = common.Fields!;
        }
        CollectStructs(spec.Fields);
        var topLevelNames = spec.Fields.Select(f => f.Name).ToHashSet();
        foreach (var name in _structs.Keys)
        {
            _classNames[name] = topLevelNames.Contains(name) || name == spec.Name ? name + "Data" : name;
        }
    }

    private void CollectStructs(List<FieldSpec> fields)
    {
        foreach (var field in fields)
        {
            if (field.Fields is { } nested)
            {
                _structs.TryAdd(field.ElementType, nested);
                CollectStructs(nested);
            }
        }
        foreach (var common in _spec.CommonStructs)
        {
            if (common.Fields is { } nested && fields == _spec.Fields)
            {
                CollectStructs(nested);
            }
        }
    }

    public string Emit()
    {
        _out.Append(_header);
        Line("namespace Eddy.Protocol.Messages;");
        Line();
        var interfaces = _spec.ApiKey is null ? "IKafkaMessage" : "IApiMessage";
        Line($"public sealed partial class {_spec.Name} : {interfaces}");
        Open();
        if (_spec.ApiKey is { } key)
        {
            var apiName = ApiName(_spec.Name);
            Line($"public const ApiKey ApiKeyValue = ApiKey.{apiName};");
            Line();
            Line("public ApiKey Api => ApiKeyValue;");
            Line();
        }
        Line($"public const short LowestVersion = {_spec.ValidVersions.Low};");
        Line();
        Line($"public const short HighestVersion = {_spec.ValidVersions.High};");
        Line();
        Line("public short LowestSupportedVersion => LowestVersion;");
        Line();
        Line("public short HighestSupportedVersion => HighestVersion;");
        Line();
        Line($"public static bool IsFlexibleVersion(short version) => {FlexCondition()};");
        Line();
        Line("public bool IsFlexible(short version) => IsFlexibleVersion(version);");
        Line();
        EmitBody(_spec.Fields, _spec.Name, isRoot: true);
        foreach (var (name, fields) in _structs)
        {
            Line();
            Line($"public sealed partial class {_classNames[name]}");
            Open();
            EmitBody(fields, _classNames[name], isRoot: false);
            Close();
        }
        Close();
        return _out.ToString();
    }

    internal static string ApiName(string messageName) =>
        messageName.EndsWith("Request", StringComparison.Ordinal) ? messageName[..^"Request".Length]
        : messageName.EndsWith("Response", StringComparison.Ordinal) ? messageName[..^"Response".Length]
        : messageName;

    private string FlexCondition()
    {
        var c = _spec.FlexibleVersions.Condition(_spec.ValidVersions);
        return c;
    }

    private string _enclosing = "";

    /// <summary>A C# member cannot share its class's name (CS0542): such a field gets a "Value" suffix.</summary>
    private string Prop(FieldSpec field) => field.Name == _enclosing ? field.Name + "Value" : field.Name;

    private void EmitBody(List<FieldSpec> fields, string className, bool isRoot)
    {
        _enclosing = className;
        foreach (var field in fields)
        {
            if (field.About is { } about)
            {
                Line($"/// <summary>{System.Security.SecurityElement.Escape(about)}</summary>");
            }
            var init = Initializer(field);
            Line($"public {CsType(field)} {Prop(field)} {{ get; set; }}{(init is null ? "" : $" = {init};")}");
            Line();
        }
        var access = isRoot ? "public" : "internal";
        EmitRead(fields, access);
        Line();
        EmitWrite(fields, access);
    }

    // ---- types and defaults ----

    private bool IsStruct(string type) => _structs.ContainsKey(type);

    private string ElementCsType(string type) =>
        Primitives.TryGetValue(type, out var p) ? p : _classNames.TryGetValue(type, out var c) ? c
        : throw new InvalidOperationException($"{_spec.Name}: unknown type {type}");

    private string CsType(FieldSpec f)
    {
        if (f.IsArray)
        {
            var list = $"List<{ElementCsType(f.ElementType)}>";
            return f.IsNullable ? list + "?" : list;
        }
        var t = ElementCsType(f.Type);
        return f.Type switch
        {
            "string" or "bytes" => f.IsNullable ? t + "?" : t,
            "records" => t + "?",
            _ when IsStruct(f.Type) => f.IsNullable || f.IsTagged ? t + "?" : t,
            _ => t,
        };
    }

    private string? Initializer(FieldSpec f)
    {
        if (f.IsArray)
        {
            return f.IsNullable && f.Default == "null" ? null : "new()";
        }
        switch (f.Type)
        {
            case "string":
                if (f.Default == "null")
                {
                    return null;
                }
                return Literal(f.Default ?? "");
            case "bytes":
                return f.IsNullable ? null : "[]";
            case "records":
                return null;
            case "uuid":
                return null;
            case "bool":
                return f.Default is { } b && bool.Parse(b) ? "true" : null;
            case "float64":
                return f.Default is { } d && double.Parse(d, CultureInfo.InvariantCulture) != 0 ? d : null;
        }
        if (IsStruct(f.Type))
        {
            return f.IsNullable || f.IsTagged ? null : "new()";
        }
        var value = NumericDefault(f);
        return value == 0 ? null : value.ToString(CultureInfo.InvariantCulture);
    }

    private static long NumericDefault(FieldSpec f)
    {
        if (f.Default is null)
        {
            return 0;
        }
        var text = f.Default.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return long.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        if (text.StartsWith("-0x", StringComparison.OrdinalIgnoreCase))
        {
            return -long.Parse(text[3..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return long.Parse(text, CultureInfo.InvariantCulture);
    }

    private static string Literal(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private string DefaultLiteral(FieldSpec f) => f.Type switch
    {
        "bool" => f.Default is { } b && bool.Parse(b) ? "true" : "false",
        "float64" => f.Default ?? "0",
        _ => NumericDefault(f).ToString(CultureInfo.InvariantCulture),
    };

    private string NonDefault(FieldSpec f, string value)
    {
        if (f.IsArray)
        {
            return $"{value} is {{ Count: > 0 }}";
        }
        if (IsStruct(f.Type) || f.Type == "records")
        {
            return $"{value} is not null";
        }
        return f.Type switch
        {
            "string" => f.Default == "null" || (f.IsNullable && f.Default is null)
                ? $"{value} is not null"
                : $"!string.Equals({value}, {Literal(f.Default ?? "")}, StringComparison.Ordinal)",
            "bytes" => f.IsNullable ? $"{value} is not null" : $"{value}.Length > 0",
            "uuid" => $"!{value}.IsZero",
            _ => $"{value} != {DefaultLiteral(f)}",
        };
    }

    // ---- read ----

    private void EmitRead(List<FieldSpec> fields, string access)
    {
        Line($"{access} void Read(ref KafkaReader reader, short version)");
        Open();
        Line($"var flexible = {FlexCondition()};");
        foreach (var field in fields.Where(f => !f.IsTagged))
        {
            var cond = field.Versions.Condition(_spec.ValidVersions);
            if (cond == "false")
            {
                continue;
            }
            Guarded(cond, () => ReadInto(field, Prop(field), "reader", FieldFlex(field, "flexible")));
        }
        var tagged = fields.Where(f => f.IsTagged).ToList();
        Line("if (flexible)");
        Open();
        Line("var tagCount = reader.ReadUnsignedVarInt();");
        Line("for (var i = 0u; i < tagCount; i++)");
        Open();
        Line("var tag = reader.ReadUnsignedVarInt();");
        if (tagged.Count == 0)
        {
            Line("_ = tag;");
            Line("reader.SkipTaggedField();");
        }
        else
        {
            Line("var size = checked((int)reader.ReadUnsignedVarInt());");
            Line("switch (tag)");
            Open();
            foreach (var field in tagged)
            {
                var cond = field.TaggedVersions.Intersect(field.Versions).Condition(_spec.ValidVersions);
                Line(cond == "true" ? $"case {field.Tag}:" : $"case {field.Tag} when {cond}:");
                Open();
                Line("var tagged = reader.Sub(size);");
                ReadInto(field, Prop(field), "tagged", "true");
                Line("break;");
                Close();
            }
            Line("default:");
            Line("    reader.Skip(size);");
            Line("    break;");
            Close();
        }
        Close();
        Close();
        Close();
    }

    private string FieldFlex(FieldSpec field, string messageFlex) =>
        field.FlexibleVersions is { } fv ? fv.IsNone ? "false" : $"({fv.Condition(_spec.ValidVersions)})" : messageFlex;

    /// <summary>Picks the compact or classic form, at generation time when the flexibility is a constant.</summary>
    private static string Pick(string flex, string compact, string classic) => flex switch
    {
        "true" => compact,
        "false" => classic,
        _ => $"({flex} ? {compact} : {classic})",
    };

    private static string PickStatement(string flex, string compact, string classic) => flex switch
    {
        "true" => compact,
        "false" => classic,
        _ => $"if ({flex}) {{ {compact} }} else {{ {classic} }}",
    };

    private string ReadScalar(string type, bool nullable, string r, string flex) => type switch
    {
        "string" => nullable
            ? Pick(flex, $"{r}.ReadCompactNullableString()", $"{r}.ReadNullableString()")
            : Pick(flex, $"{r}.ReadCompactString()", $"{r}.ReadString()"),
        "bytes" => nullable
            ? Pick(flex, $"{r}.ReadCompactNullableBytes()", $"{r}.ReadNullableBytes()")
            : Pick(flex, $"{r}.ReadCompactBytes()", $"{r}.ReadBytes()"),
        "records" => $"{r}.ReadRecords({flex})",
        _ => $"{r}.{ReadMethods[type]}()",
    };

    private void ReadInto(FieldSpec field, string target, string r, string flex)
    {
        if (field.IsArray)
        {
            var elem = field.ElementType;
            var cs = ElementCsType(elem);
            Open();
            Line($"var count = {Pick(flex, $"{r}.ReadCompactArrayLength({Bool(field.IsNullable)})", $"{r}.ReadArrayLength({Bool(field.IsNullable)})")};");
            if (field.IsNullable)
            {
                Line("if (count < 0)");
                Open();
                Line($"{target} = null;");
                Close();
                Line("else");
                Open();
            }
            Line($"var list = new List<{cs}>(count);");
            Line("for (var n = 0; n < count; n++)");
            Open();
            if (IsStruct(elem))
            {
                Line($"var item = new {cs}();");
                Line($"item.Read(ref {r}, version);");
                Line("list.Add(item);");
            }
            else
            {
                Line($"list.Add({ReadScalar(elem, nullable: false, r, flex)});");
            }
            Close();
            Line($"{target} = list;");
            if (field.IsNullable)
            {
                Close();
            }
            Close();
        }
        else if (IsStruct(field.Type))
        {
            var cs = ElementCsType(field.Type);
            Open();
            if (field.IsNullable)
            {
                Line($"if ({r}.ReadInt8() < 0)");
                Open();
                Line($"{target} = null;");
                Close();
                Line("else");
                Open();
            }
            Line($"var item = new {cs}();");
            Line($"item.Read(ref {r}, version);");
            Line($"{target} = item;");
            if (field.IsNullable)
            {
                Close();
            }
            Close();
        }
        else
        {
            Line($"{target} = {ReadScalar(field.Type, field.IsNullable, r, flex)};");
        }
    }

    // ---- write ----

    private void EmitWrite(List<FieldSpec> fields, string access)
    {
        Line($"{access} void Write(KafkaWriter writer, short version)");
        Open();
        Line($"var flexible = {FlexCondition()};");
        foreach (var field in fields.Where(f => !f.IsTagged))
        {
            var cond = field.Versions.Condition(_spec.ValidVersions);
            if (cond == "false")
            {
                continue;
            }
            Guarded(cond, () => WriteValue(field, Prop(field), "writer", FieldFlex(field, "flexible"), "version"));
        }
        var tagged = fields.Where(f => f.IsTagged).ToList();
        Line("if (flexible)");
        Open();
        if (tagged.Count == 0)
        {
            Line("writer.WriteUnsignedVarInt(0);");
        }
        else
        {
            Line("var tagCount = 0u;");
            foreach (var field in tagged)
            {
                Line($"if ({TaggedWriteCondition(field)})");
                Open();
                Line("tagCount++;");
                Close();
            }
            Line("writer.WriteUnsignedVarInt(tagCount);");
            foreach (var field in tagged.OrderBy(f => f.Tag))
            {
                Line($"if ({TaggedWriteCondition(field)})");
                Open();
                Line($"writer.WriteTaggedField({field.Tag}u, (Self: this, Version: version), static (w, state) =>");
                Open();
                WriteValue(field, "state.Self." + Prop(field), "w", "true", "state.Version");
                Close(");");
                Close();
            }
        }
        Close();
        Close();
    }

    private string TaggedWriteCondition(FieldSpec field)
    {
        var cond = field.TaggedVersions.Intersect(field.Versions).Condition(_spec.ValidVersions);
        var nonDefault = NonDefault(field, Prop(field));
        return cond == "true" ? nonDefault : $"{cond} && {nonDefault}";
    }

    private static string WriteScalar(string type, bool nullable, string value, string w, string flex) => type switch
    {
        "string" => nullable
            ? PickStatement(flex, $"{w}.WriteCompactNullableString({value});", $"{w}.WriteNullableString({value});")
            : PickStatement(flex, $"{w}.WriteCompactString({value});", $"{w}.WriteString({value});"),
        "bytes" => nullable
            ? PickStatement(flex, $"{w}.WriteCompactNullableBytes({value});", $"{w}.WriteNullableBytes({value});")
            : PickStatement(flex, $"{w}.WriteCompactBytes({value});", $"{w}.WriteBytes({value});"),
        "records" => $"{w}.WriteRecords({value}, {flex});",
        _ => $"{w}.{ReadMethods[type].Replace("Read", "Write", StringComparison.Ordinal)}({value});",
    };

    private void WriteValue(FieldSpec field, string value, string w, string flex, string version)
    {
        if (field.IsArray)
        {
            var elem = field.ElementType;
            Open();
            Line($"var list = {value};");
            if (field.IsNullable)
            {
                Line("if (list is null)");
                Open();
                Line($"{w}.WriteArrayLength(-1, {flex});");
                Close();
                Line("else");
                Open();
            }
            Line($"{w}.WriteArrayLength(list.Count, {flex});");
            Line("foreach (var item in list)");
            Open();
            if (IsStruct(elem))
            {
                Line($"item.Write({w}, {version});");
            }
            else
            {
                Line(WriteScalar(elem, nullable: false, "item", w, flex));
            }
            Close();
            if (field.IsNullable)
            {
                Close();
            }
            Close();
        }
        else if (IsStruct(field.Type))
        {
            if (field.IsNullable)
            {
                Line($"if ({value} is null)");
                Open();
                Line($"{w}.WriteInt8(-1);");
                Close();
                Line("else");
                Open();
                Line($"{w}.WriteInt8(1);");
                Line($"{value}.Write({w}, {version});");
                Close();
            }
            else if (field.IsTagged)
            {
                Line($"{value}!.Write({w}, {version});");
            }
            else
            {
                Line($"{value}.Write({w}, {version});");
            }
        }
        else
        {
            Line(WriteScalar(field.Type, field.IsNullable, value, w, flex));
        }
    }

    // ---- output helpers ----

    private void Guarded(string cond, Action body)
    {
        if (cond == "true")
        {
            body();
            return;
        }
        Line($"if ({cond})");
        Open();
        body();
        Close();
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private void Open()
    {
        Line("{");
        _indent++;
    }

    private void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    private void Line(string text = "")
    {
        if (text.Length > 0)
        {
            _out.Append(' ', _indent * 4);
        }
        _out.Append(text).Append('\n');
    }
}
