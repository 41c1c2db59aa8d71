using System.Globalization;
using Google.Protobuf.Reflection;

namespace Eddy.Registry.Protobuf;

/// <summary>
/// A Protobuf schema as Confluent's registry holds one (its <c>ProtobufSchema</c>): a <c>.proto</c> file (proto2 or
/// proto3) parsed and linked by protobuf-net.Reflection, with the well-known <c>google/protobuf/*.proto</c> imports
/// resolved without references, and its stored form <see cref="CanonicalString"/> (the file printed again as
/// Confluent's <c>ProtobufSchemaUtils.toString</c> prints it: comments and blank lines gone, two-space indents,
/// messages before enums).
/// </summary>
public sealed partial class ProtobufSchemaDocument
{
    // The name the schema's own file has in the descriptor set: what its errors and message indexes refer to.
    private const string FileName = "schema.proto";

    private ProtobufSchemaDocument(FileDescriptorProto written, FileDescriptorProto linked, IReadOnlyDictionary<string, ProtoTypeInfo> types, bool declaresProto2)
    {
        Linked = linked;
        Types = types;
        CanonicalString = ProtobufSchemaPrinter.Print(written, linked, declaresProto2);
    }

    /// <summary>The file as linked: every field's type resolved to its full name (<c>.pkg.Message</c>).</summary>
    internal FileDescriptorProto Linked { get; }

    /// <summary>Every message and enum the file sees (its own and its imports'), by full name without the leading dot.</summary>
    internal IReadOnlyDictionary<string, ProtoTypeInfo> Types { get; }

    /// <summary>The package, empty when the file declares none.</summary>
    public string Package => Linked.Package ?? "";

    /// <summary>What the registry stores and compares.</summary>
    public string CanonicalString { get; }

    /// <summary>
    /// The full names of the file's messages in Confluent's order for message indexes: depth first, each message's
    /// nested messages after it (synthetic map entries are not messages there, as in Confluent's schema elements).
    /// </summary>
    public IReadOnlyList<string> MessageNames
    {
        get
        {
            var names = new List<string>();
            void Walk(string prefix, IEnumerable<DescriptorProto> messages)
            {
                foreach (var message in messages.Where(m => m.Options?.MapEntry != true))
                {
                    var name = prefix.Length == 0 ? message.Name : prefix + "." + message.Name;
                    names.Add(name);
                    Walk(name, message.NestedTypes);
                }
            }
            Walk(Package, Linked.MessageTypes);
            return names;
        }
    }

    /// <summary>
    /// The message indexes of <paramref name="fullName"/> (a message of this file): its position among the file's
    /// top-level messages, then among its parent's nested messages, and so on (<c>[0]</c> is the first message).
    /// </summary>
    public IReadOnlyList<int> MessageIndexes(string fullName)
    {
        ArgumentNullException.ThrowIfNull(fullName);
        var local = Package.Length > 0 && fullName.StartsWith(Package + ".", StringComparison.Ordinal) ? fullName[(Package.Length + 1)..] : fullName;
        var indexes = new List<int>();
        IList<DescriptorProto> level = Linked.MessageTypes;
        foreach (var part in local.Split('.'))
        {
            var candidates = level.Where(m => m.Options?.MapEntry != true).ToList();
            var index = candidates.FindIndex(m => m.Name == part);
            if (index < 0)
            {
                throw new ArgumentException($"No message {fullName} in this schema", nameof(fullName));
            }
            indexes.Add(index);
            level = candidates[index].NestedTypes;
        }
        return indexes;
    }

    /// <summary>The full name of the message at <paramref name="indexes"/> (the inverse of <see cref="MessageIndexes"/>).</summary>
    public string MessageName(IReadOnlyList<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        var name = Package;
        IList<DescriptorProto> level = Linked.MessageTypes;
        foreach (var index in indexes)
        {
            var candidates = level.Where(m => m.Options?.MapEntry != true).ToList();
            if (index < 0 || index >= candidates.Count)
            {
                throw new ArgumentException($"No message at indexes [{string.Join(", ", indexes)}] in this schema", nameof(indexes));
            }
            name = name.Length == 0 ? candidates[index].Name : name + "." + candidates[index].Name;
            level = candidates[index].NestedTypes;
        }
        return name;
    }

    /// <summary>Parses and links a <c>.proto</c> text; every problem is a <see cref="ProtobufSchemaException"/> with its line and column.</summary>
    public static ProtobufSchemaDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The text is parsed twice: once as written (type names as the author spelled them, which the stored form
        // keeps, as Confluent's does) and once linked (names resolved, imports loaded), which checks it.
        var written = new FileDescriptorSet();
        written.Add(FileName, true, new StringReader(text));
        ThrowOnErrors(written);
        var linked = new FileDescriptorSet();
        linked.Add(FileName, true, new StringReader(text));
        linked.Process();
        ThrowOnErrors(linked);
        var file = linked.Files.Single(f => f.Name == FileName);
        var types = new Dictionary<string, ProtoTypeInfo>(StringComparer.Ordinal);
        foreach (var each in linked.Files)
        {
            Collect(types, each.Package ?? "", each.Package ?? "", each.MessageTypes, each.EnumTypes, each.Name == FileName);
        }
        return new ProtobufSchemaDocument(written.Files.Single(f => f.Name == FileName), file, types, DeclaresProto2().IsMatch(text));
    }

    // The parser reads proto2 as the default and keeps no trace of the statement; the stored form keeps it, as Confluent's does.
    [System.Text.RegularExpressions.GeneratedRegex("""^\s*syntax\s*=\s*["']proto2["']\s*;""", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex DeclaresProto2();

    private static void ThrowOnErrors(FileDescriptorSet set)
    {
        var errors = set.GetErrors().Where(e => e.IsError).OrderBy(e => e.LineNumber).ThenBy(e => e.ColumnNumber).ToList();
        if (errors.Count == 0)
        {
            return;
        }
        var first = errors[0];
        var more = errors.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (and {errors.Count - 1} more)") : "";
        throw new ProtobufSchemaException(
            string.Create(CultureInfo.InvariantCulture, $"line {first.LineNumber}, column {first.ColumnNumber}: {first.Message}{more}"),
            first.LineNumber, first.ColumnNumber);
    }

    private static void Collect(
        Dictionary<string, ProtoTypeInfo> types, string package, string prefix, IEnumerable<DescriptorProto> messages, IEnumerable<EnumDescriptorProto> enums, bool local)
    {
        foreach (var message in messages)
        {
            var name = prefix.Length == 0 ? message.Name : prefix + "." + message.Name;
            types[name] = new ProtoTypeInfo(name, package, message, null, local);
            Collect(types, package, name, message.NestedTypes, message.EnumTypes, local);
        }
        foreach (var enumType in enums)
        {
            var name = prefix.Length == 0 ? enumType.Name : prefix + "." + enumType.Name;
            types[name] = new ProtoTypeInfo(name, package, null, enumType, local);
        }
    }
}

/// <summary>A message or enum a schema sees: its full name, the package of its file, and whether the schema itself declares it.</summary>
internal sealed record ProtoTypeInfo(string FullName, string Package, DescriptorProto? Message, EnumDescriptorProto? Enum, bool Local)
{
    public bool IsMapEntry => Message?.Options?.MapEntry == true;

    /// <summary>The name within its package (<c>Order.Line</c> for <c>com.acme.Order.Line</c>).</summary>
    public string LocalName => Package.Length > 0 && FullName.StartsWith(Package + ".", StringComparison.Ordinal) ? FullName[(Package.Length + 1)..] : FullName;
}

/// <summary>A <c>.proto</c> text the parser refuses, with where (1-based line and column).</summary>
public sealed class ProtobufSchemaException : Exception
{
    public ProtobufSchemaException(string message, int line, int column)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public ProtobufSchemaException()
    {
    }

    public ProtobufSchemaException(string message)
        : base(message)
    {
    }

    public ProtobufSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Line { get; }

    public int Column { get; }
}
