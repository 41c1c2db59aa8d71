using System.Globalization;
using System.Text;
using Google.Protobuf.Reflection;

namespace Eddy.Registry.Protobuf;

/// <summary>
/// Prints a parsed <c>.proto</c> file in the form Confluent's registry stores (<c>ProtobufSchemaUtils.toString</c> over
/// Wire's file element): <c>syntax</c>, <c>package</c>, imports, file options, messages then enums, services; in each
/// message its reserved ranges, options, fields, oneofs, extension ranges and nested messages then enums; two-space
/// indents; type names as written; map fields as <c>map&lt;K, V&gt;</c>; a single option as <c>[a = b]</c>, several one
/// per line. Built-in options are printed in descriptor order (the parser does not keep the order they were written
/// in); custom (parenthesized) options and <c>extend</c> blocks are not printed.
/// </summary>
internal static class ProtobufSchemaPrinter
{
    private const int MaxTag = 536_870_911;

    /// <param name="written">The file as parsed, type names as written.</param>
    /// <param name="linked">The same file linked: its syntax, imports and options (which parsing alone leaves out).</param>
    /// <param name="declaresProto2">Whether the text says <c>syntax = "proto2"</c> (the parser keeps no trace of it).</param>
    public static string Print(FileDescriptorProto written, FileDescriptorProto linked, bool declaresProto2)
    {
        var proto3 = linked.Syntax == "proto3";
        var sb = new StringBuilder();
        if (proto3 || declaresProto2)
        {
            sb.Append("syntax = \"").Append(proto3 ? "proto3" : "proto2").Append("\";\n");
        }
        if (!string.IsNullOrEmpty(linked.Package))
        {
            sb.Append("package ").Append(linked.Package).Append(";\n");
        }
        if (linked.Dependencies.Count > 0)
        {
            sb.Append('\n');
            var publicOnes = new HashSet<int>(linked.PublicDependencies ?? []);
            for (var i = 0; i < linked.Dependencies.Count; i++)
            {
                if (!publicOnes.Contains(i))
                {
                    sb.Append("import \"").Append(linked.Dependencies[i]).Append("\";\n");
                }
            }
            foreach (var i in publicOnes.Order())
            {
                sb.Append("import public \"").Append(linked.Dependencies[i]).Append("\";\n");
            }
        }
        var options = FileOptions(linked.Options);
        if (options.Count > 0)
        {
            sb.Append('\n');
            foreach (var option in options)
            {
                sb.Append("option ").Append(option).Append(";\n");
            }
        }
        if (written.MessageTypes.Count > 0 || written.EnumTypes.Count > 0)
        {
            sb.Append('\n');
            foreach (var message in written.MessageTypes)
            {
                sb.Append(Message(message, proto3));
            }
            foreach (var enumType in written.EnumTypes)
            {
                sb.Append(Enum(enumType));
            }
        }
        if (written.Services.Count > 0)
        {
            sb.Append('\n');
            foreach (var service in written.Services)
            {
                sb.Append(Service(service));
            }
        }
        return sb.ToString();
    }

    private static string Message(DescriptorProto message, bool proto3)
    {
        var sb = new StringBuilder();
        sb.Append("message ").Append(message.Name).Append(" {");
        var reserved = Reserved(message.ReservedRanges.Select(r => (r.Start, r.End - 1)), message.ReservedNames);
        if (reserved.Count > 0)
        {
            sb.Append('\n');
            reserved.ForEach(r => AppendIndented(sb, r));
        }
        var options = MessageOptions(message.Options);
        if (options.Count > 0)
        {
            sb.Append('\n');
            options.ForEach(o => AppendIndented(sb, "option " + o + ";\n"));
        }
        // A oneof protoc synthesizes for a proto3 "optional" field is no oneof of the schema.
        var realOneofs = message.Fields.Where(f => f.ShouldSerializeOneofIndex() && !f.Proto3Optional).Select(f => f.OneofIndex).ToHashSet();
        var fields = message.Fields.Where(f => !f.ShouldSerializeOneofIndex() || f.Proto3Optional).ToList();
        if (fields.Count > 0)
        {
            sb.Append('\n');
            fields.ForEach(f => AppendIndented(sb, Field(message, f, proto3, inOneof: false)));
        }
        if (realOneofs.Count > 0)
        {
            sb.Append('\n');
            for (var i = 0; i < message.OneofDecls.Count; i++)
            {
                if (!realOneofs.Contains(i))
                {
                    continue;
                }
                var oneof = new StringBuilder();
                oneof.Append("oneof ").Append(message.OneofDecls[i].Name).Append(" {\n");
                foreach (var member in message.Fields.Where(f => f.ShouldSerializeOneofIndex() && f.OneofIndex == i && !f.Proto3Optional))
                {
                    AppendIndented(oneof, Field(message, member, proto3, inOneof: true));
                }
                oneof.Append("}\n");
                AppendIndented(sb, oneof.ToString());
            }
        }
        if (message.ExtensionRanges.Count > 0)
        {
            sb.Append('\n');
            AppendIndented(sb, "extensions " + string.Join(", ", message.ExtensionRanges.Select(r => Range(r.Start, r.End - 1))) + ";\n");
        }
        var nested = message.NestedTypes.Where(n => n.Options?.MapEntry != true).ToList();
        if (nested.Count > 0 || message.EnumTypes.Count > 0)
        {
            sb.Append('\n');
            nested.ForEach(n => AppendIndented(sb, Message(n, proto3)));
            foreach (var enumType in message.EnumTypes)
            {
                AppendIndented(sb, Enum(enumType));
            }
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Field(DescriptorProto owner, FieldDescriptorProto field, bool proto3, bool inOneof)
    {
        var sb = new StringBuilder();
        var mapEntry = MapEntryOf(owner, field);
        if (mapEntry is not null)
        {
            sb.Append("map<").Append(TypeName(mapEntry.Fields.First(f => f.Number == 1)))
                .Append(", ").Append(TypeName(mapEntry.Fields.First(f => f.Number == 2))).Append('>');
        }
        else
        {
            var label = inOneof ? null : field.label switch
            {
                FieldDescriptorProto.Label.LabelRepeated => "repeated",
                FieldDescriptorProto.Label.LabelRequired => "required",
                _ when proto3 => field.Proto3Optional ? "optional" : null,
                _ => "optional",
            };
            if (label is not null)
            {
                sb.Append(label).Append(' ');
            }
            sb.Append(TypeName(field));
        }
        sb.Append(' ').Append(field.Name).Append(" = ").Append(field.Number.ToString(CultureInfo.InvariantCulture));
        var options = FieldOptions(field.Options);
        if (field.ShouldSerializeDefaultValue())
        {
            options.Add("default = " + (field.type is FieldDescriptorProto.Type.TypeString ? Quote(field.DefaultValue) : field.DefaultValue));
        }
        if (field.ShouldSerializeJsonName() && field.JsonName != DefaultJsonName(field.Name))
        {
            options.Add("json_name = " + Quote(field.JsonName));
        }
        if (options.Count > 0)
        {
            sb.Append(' ').Append(Options(options));
        }
        sb.Append(";\n");
        return sb.ToString();
    }

    // A map field is a repeated field of a nested map-entry message (what the parser synthesizes for map<K, V>).
    private static DescriptorProto? MapEntryOf(DescriptorProto owner, FieldDescriptorProto field)
    {
        if (field.label != FieldDescriptorProto.Label.LabelRepeated || string.IsNullOrEmpty(field.TypeName))
        {
            return null;
        }
        var simple = field.TypeName[(field.TypeName.LastIndexOf('.') + 1)..];
        return owner.NestedTypes.FirstOrDefault(n => n.Name == simple && n.Options?.MapEntry == true);
    }

    private static string TypeName(FieldDescriptorProto field) =>
        !string.IsNullOrEmpty(field.TypeName) ? field.TypeName : ProtobufScalars.Name(field.type);

    private static string Enum(EnumDescriptorProto enumType)
    {
        var sb = new StringBuilder();
        sb.Append("enum ").Append(enumType.Name).Append(" {");
        // Enum reserved ranges are inclusive, unlike message ones.
        var reserved = Reserved(enumType.ReservedRanges.Select(r => (r.Start, r.End)), enumType.ReservedNames);
        if (reserved.Count > 0)
        {
            sb.Append('\n');
            reserved.ForEach(r => AppendIndented(sb, r));
        }
        var options = new List<string>();
        if (enumType.Options?.ShouldSerializeAllowAlias() == true)
        {
            options.Add("allow_alias = " + Bool(enumType.Options.AllowAlias));
        }
        if (enumType.Options?.ShouldSerializeDeprecated() == true)
        {
            options.Add("deprecated = " + Bool(enumType.Options.Deprecated));
        }
        if (reserved.Count == 0 && (options.Count > 0 || enumType.Values.Count > 0))
        {
            sb.Append('\n');
        }
        options.ForEach(o => AppendIndented(sb, "option " + o + ";\n"));
        foreach (var value in enumType.Values)
        {
            var line = value.Name + " = " + value.Number.ToString(CultureInfo.InvariantCulture);
            if (value.Options?.ShouldSerializeDeprecated() == true)
            {
                line += " [deprecated = " + Bool(value.Options.Deprecated) + "]";
            }
            AppendIndented(sb, line + ";\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Service(ServiceDescriptorProto service)
    {
        var sb = new StringBuilder();
        sb.Append("service ").Append(service.Name).Append(" {");
        if (service.Methods.Count > 0)
        {
            sb.Append('\n');
            foreach (var method in service.Methods)
            {
                AppendIndented(sb, $"rpc {method.Name} ({(method.ClientStreaming ? "stream " : "")}{method.InputType}) returns ({(method.ServerStreaming ? "stream " : "")}{method.OutputType});\n");
            }
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static List<string> Reserved(IEnumerable<(int Start, int EndInclusive)> ranges, IEnumerable<string> names)
    {
        var lines = new List<string>();
        var numbers = ranges.Select(r => Range(r.Start, r.EndInclusive)).ToList();
        if (numbers.Count > 0)
        {
            lines.Add("reserved " + string.Join(", ", numbers) + ";\n");
        }
        var quoted = names.Select(Quote).ToList();
        if (quoted.Count > 0)
        {
            lines.Add("reserved " + string.Join(", ", quoted) + ";\n");
        }
        return lines;
    }

    private static string Range(int start, int endInclusive) =>
        start == endInclusive
            ? start.ToString(CultureInfo.InvariantCulture)
            : start.ToString(CultureInfo.InvariantCulture) + " to " + (endInclusive >= MaxTag ? "max" : endInclusive.ToString(CultureInfo.InvariantCulture));

    private static List<string> FileOptions(Google.Protobuf.Reflection.FileOptions? o)
    {
        var list = new List<string>();
        if (o is null)
        {
            return list;
        }
        if (o.ShouldSerializeJavaPackage()) list.Add("java_package = " + Quote(o.JavaPackage));
        if (o.ShouldSerializeJavaOuterClassname()) list.Add("java_outer_classname = " + Quote(o.JavaOuterClassname));
        if (o.ShouldSerializeOptimizeFor()) list.Add("optimize_for = " + o.OptimizeFor switch
        {
            Google.Protobuf.Reflection.FileOptions.OptimizeMode.CodeSize => "CODE_SIZE",
            Google.Protobuf.Reflection.FileOptions.OptimizeMode.LiteRuntime => "LITE_RUNTIME",
            _ => "SPEED",
        });
        if (o.ShouldSerializeJavaMultipleFiles()) list.Add("java_multiple_files = " + Bool(o.JavaMultipleFiles));
        if (o.ShouldSerializeGoPackage()) list.Add("go_package = " + Quote(o.GoPackage));
        if (o.ShouldSerializeCcGenericServices()) list.Add("cc_generic_services = " + Bool(o.CcGenericServices));
        if (o.ShouldSerializeJavaGenericServices()) list.Add("java_generic_services = " + Bool(o.JavaGenericServices));
        if (o.ShouldSerializePyGenericServices()) list.Add("py_generic_services = " + Bool(o.PyGenericServices));
        if (o.ShouldSerializeDeprecated()) list.Add("deprecated = " + Bool(o.Deprecated));
        if (o.ShouldSerializeJavaStringCheckUtf8()) list.Add("java_string_check_utf8 = " + Bool(o.JavaStringCheckUtf8));
        if (o.ShouldSerializeCcEnableArenas()) list.Add("cc_enable_arenas = " + Bool(o.CcEnableArenas));
        if (o.ShouldSerializeObjcClassPrefix()) list.Add("objc_class_prefix = " + Quote(o.ObjcClassPrefix));
        if (o.ShouldSerializeCsharpNamespace()) list.Add("csharp_namespace = " + Quote(o.CsharpNamespace));
        if (o.ShouldSerializeSwiftPrefix()) list.Add("swift_prefix = " + Quote(o.SwiftPrefix));
        if (o.ShouldSerializePhpClassPrefix()) list.Add("php_class_prefix = " + Quote(o.PhpClassPrefix));
        if (o.ShouldSerializePhpNamespace()) list.Add("php_namespace = " + Quote(o.PhpNamespace));
        if (o.ShouldSerializePhpMetadataNamespace()) list.Add("php_metadata_namespace = " + Quote(o.PhpMetadataNamespace));
        if (o.ShouldSerializeRubyPackage()) list.Add("ruby_package = " + Quote(o.RubyPackage));
        return list;
    }

    private static List<string> MessageOptions(MessageOptions? o)
    {
        var list = new List<string>();
        if (o is null)
        {
            return list;
        }
        if (o.ShouldSerializeMessageSetWireFormat()) list.Add("message_set_wire_format = " + Bool(o.MessageSetWireFormat));
        if (o.ShouldSerializeNoStandardDescriptorAccessor()) list.Add("no_standard_descriptor_accessor = " + Bool(o.NoStandardDescriptorAccessor));
        if (o.ShouldSerializeDeprecated()) list.Add("deprecated = " + Bool(o.Deprecated));
        return list;
    }

    private static List<string> FieldOptions(FieldOptions? o)
    {
        var list = new List<string>();
        if (o is null)
        {
            return list;
        }
        if (o.ShouldSerializeCtype()) list.Add("ctype = " + o.Ctype.ToString().ToUpperInvariant());
        if (o.ShouldSerializePacked()) list.Add("packed = " + Bool(o.Packed));
        if (o.ShouldSerializeJstype()) list.Add("jstype = " + o.Jstype switch
        {
            Google.Protobuf.Reflection.FieldOptions.JSType.JsString => "JS_STRING",
            Google.Protobuf.Reflection.FieldOptions.JSType.JsNumber => "JS_NUMBER",
            _ => "JS_NORMAL",
        });
        if (o.ShouldSerializeLazy()) list.Add("lazy = " + Bool(o.Lazy));
        if (o.ShouldSerializeDeprecated()) list.Add("deprecated = " + Bool(o.Deprecated));
        return list;
    }

    private static string Options(List<string> options)
    {
        if (options.Count == 1)
        {
            return "[" + options[0] + "]";
        }
        var sb = new StringBuilder("[\n");
        for (var i = 0; i < options.Count; i++)
        {
            AppendIndented(sb, options[i] + (i < options.Count - 1 ? "," : ""));
        }
        return sb.Append(']').ToString();
    }

    // protoc's default json_name: underscores dropped, the letter after each one upper-cased.
    private static string DefaultJsonName(string name)
    {
        var sb = new StringBuilder(name.Length);
        var upper = false;
        foreach (var c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return sb.ToString();
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    private static void AppendIndented(StringBuilder sb, string value)
    {
        var lines = value.Split('\n').ToList();
        if (lines.Count > 1 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        foreach (var line in lines)
        {
            sb.Append("  ").Append(line).Append('\n');
        }
    }
}

/// <summary>The names of Protobuf's scalar types, as written in a <c>.proto</c> file.</summary>
internal static class ProtobufScalars
{
    public static string Name(FieldDescriptorProto.Type type) => type switch
    {
        FieldDescriptorProto.Type.TypeDouble => "double",
        FieldDescriptorProto.Type.TypeFloat => "float",
        FieldDescriptorProto.Type.TypeInt64 => "int64",
        FieldDescriptorProto.Type.TypeUint64 => "uint64",
        FieldDescriptorProto.Type.TypeInt32 => "int32",
        FieldDescriptorProto.Type.TypeFixed64 => "fixed64",
        FieldDescriptorProto.Type.TypeFixed32 => "fixed32",
        FieldDescriptorProto.Type.TypeBool => "bool",
        FieldDescriptorProto.Type.TypeString => "string",
        FieldDescriptorProto.Type.TypeBytes => "bytes",
        FieldDescriptorProto.Type.TypeUint32 => "uint32",
        FieldDescriptorProto.Type.TypeSfixed32 => "sfixed32",
        FieldDescriptorProto.Type.TypeSfixed64 => "sfixed64",
        FieldDescriptorProto.Type.TypeSint32 => "sint32",
        FieldDescriptorProto.Type.TypeSint64 => "sint64",
        _ => "group",
    };
}
