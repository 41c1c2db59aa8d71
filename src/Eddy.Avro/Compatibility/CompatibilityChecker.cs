using System.Runtime.CompilerServices;

namespace Eddy.Avro;

/// <summary>
/// A port of Avro Java's <c>ReaderWriterCompatibilityChecker</c>, quirks included, because the registry's answers
/// must match Confluent's: results are memoized per (reader, writer) instance pair, a pair met again while it is
/// still being checked counts as compatible (that is how recursive types terminate), union branches are tried with a
/// fresh location, and a memoized result is reused with the locations it was first found at.
/// </summary>
internal sealed class CompatibilityChecker
{
    private static readonly Result Compatible = new(Status.Compatible, []);
    private static readonly Result InProgress = new(Status.RecursionInProgress, []);

    private readonly Dictionary<(AvroSchema Reader, AvroSchema Writer), Result> _memo = new(PairComparer.Instance);

    private enum Status
    {
        Compatible,
        Incompatible,
        RecursionInProgress,
    }

    public IReadOnlyList<AvroIncompatibility> Check(AvroSchema reader, AvroSchema writer) => CheckFresh(reader, writer).Incompatibilities;

    // Java's public two-argument entry point, which the union rules call too: a new location rooted at "".
    private Result CheckFresh(AvroSchema reader, AvroSchema writer) => Check("", reader, writer, []);

    private Result Check(string token, AvroSchema reader, AvroSchema writer, List<string> location)
    {
        location.Add(token);
        Result result;
        if (_memo.TryGetValue((reader, writer), out var memoized))
        {
            // A pair being checked further up the stack: compatible unless proven otherwise there.
            result = memoized.Status == Status.RecursionInProgress ? Compatible : memoized;
        }
        else
        {
            _memo[(reader, writer)] = InProgress;
            result = Calculate(reader, writer, location);
            _memo[(reader, writer)] = result;
        }

        location.RemoveAt(location.Count - 1);
        return result;
    }

    private Result Calculate(AvroSchema reader, AvroSchema writer, List<string> location)
    {
        if (reader.Type == writer.Type)
        {
            switch (reader)
            {
                case ArraySchema readerArray:
                    return Check("items", readerArray.Items, ((ArraySchema)writer).Items, location);
                case MapSchema readerMap:
                    return Check("values", readerMap.Values, ((MapSchema)writer).Values, location);
                case FixedSchema readerFixed:
                    return Merge(CheckName(readerFixed, (NamedSchema)writer, location), CheckFixedSize(readerFixed, (FixedSchema)writer, location));
                case EnumSchema readerEnum:
                    return Merge(CheckName(readerEnum, (NamedSchema)writer, location), CheckEnumSymbols(readerEnum, (EnumSchema)writer, location));
                case RecordSchema readerRecord:
                    return Merge(CheckName(readerRecord, (NamedSchema)writer, location), CheckFields(readerRecord, (RecordSchema)writer, location));
                case UnionSchema:
                    // Every branch the writer may have written must be readable.
                    var result = Compatible;
                    var writerUnion = (UnionSchema)writer;
                    for (var i = 0; i < writerUnion.Branches.Count; i++)
                    {
                        location.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        var branch = writerUnion.Branches[i];
                        if (CheckFresh(reader, branch).Status == Status.Incompatible)
                        {
                            result = Merge(result, Incompatible(AvroIncompatibility.MissingUnionBranch, reader, writer, $"reader union lacking writer type: {branch.JavaTypeName}", location));
                        }

                        location.RemoveAt(location.Count - 1);
                    }

                    return result;
                default:
                    return Compatible;
            }
        }

        if (writer is UnionSchema union)
        {
            // A reader that is not a union must read every branch.
            var result = Compatible;
            for (var i = 0; i < union.Branches.Count; i++)
            {
                result = Merge(result, Check(i.ToString(System.Globalization.CultureInfo.InvariantCulture), reader, union.Branches[i], location));
            }

            return result;
        }

        switch (reader.Type)
        {
            case AvroType.Long:
                return writer.Type == AvroType.Int ? Compatible : TypeMismatch(reader, writer, location);
            case AvroType.Float:
                return writer.Type is AvroType.Int or AvroType.Long ? Compatible : TypeMismatch(reader, writer, location);
            case AvroType.Double:
                return writer.Type is AvroType.Int or AvroType.Long or AvroType.Float ? Compatible : TypeMismatch(reader, writer, location);
            case AvroType.Bytes:
                return writer.Type == AvroType.String ? Compatible : TypeMismatch(reader, writer, location);
            case AvroType.String:
                return writer.Type == AvroType.Bytes ? Compatible : TypeMismatch(reader, writer, location);
            case AvroType.Union:
                foreach (var branch in ((UnionSchema)reader).Branches)
                {
                    if (CheckFresh(branch, writer).Status == Status.Compatible)
                    {
                        return Compatible;
                    }
                }

                return Incompatible(AvroIncompatibility.MissingUnionBranch, reader, writer, $"reader union lacking writer type: {writer.JavaTypeName}", location);
            default:
                return TypeMismatch(reader, writer, location);
        }
    }

    private Result CheckFields(RecordSchema reader, RecordSchema writer, List<string> location)
    {
        var result = Compatible;
        location.Add("fields");
        foreach (var readerField in reader.Fields)
        {
            location.Add(readerField.Position.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var writerField = LookupWriterField(writer, readerField);
            if (writerField is null)
            {
                if (!readerField.HasDefault)
                {
                    // Avro checks an enum field that has an enum default against the writer record itself (AVRO-1340's
                    // follow-up), which in practice reports a type mismatch.
                    result = readerField.Schema is EnumSchema { Default: not null }
                        ? Merge(result, Check("type", readerField.Schema, writer, location))
                        : Merge(result, Incompatible(AvroIncompatibility.ReaderFieldMissingDefaultValue, reader, writer, readerField.Name, location));
                }
            }
            else
            {
                result = Merge(result, Check("type", readerField.Schema, writerField.Schema, location));
            }

            location.RemoveAt(location.Count - 1);
        }

        location.RemoveAt(location.Count - 1);
        return result;
    }

    /// <summary>The writer field a reader field reads: same name or one of the reader field's aliases.</summary>
    internal static RecordField? LookupWriterField(RecordSchema writer, RecordField readerField)
    {
        var found = writer.GetField(readerField.Name);
        foreach (var alias in readerField.Aliases)
        {
            if (writer.GetField(alias) is { } aliased)
            {
                if (found is not null && !ReferenceEquals(found, aliased))
                {
                    throw new InvalidOperationException($"Reader field {readerField.Name} matches several fields of writer record {writer.FullName}");
                }

                found = aliased;
            }
        }

        return found;
    }

    /// <summary>Avro's <c>schemaNameEquals</c>: the unqualified names agree, or the writer's full name is a reader alias.</summary>
    internal static bool NamesMatch(NamedSchema reader, NamedSchema writer) =>
        reader.Name == writer.Name || reader.Aliases.Contains(writer.FullName);

    private static Result CheckName(NamedSchema reader, NamedSchema writer, List<string> location)
    {
        if (NamesMatch(reader, writer))
        {
            return Compatible;
        }

        location.Add("name");
        var result = Incompatible(AvroIncompatibility.NameMismatch, reader, writer, $"expected: {writer.FullName}", location);
        location.RemoveAt(location.Count - 1);
        return result;
    }

    private static Result CheckFixedSize(FixedSchema reader, FixedSchema writer, List<string> location)
    {
        if (reader.Size == writer.Size)
        {
            return Compatible;
        }

        location.Add("size");
        var result = Incompatible(AvroIncompatibility.FixedSizeMismatch, reader, writer, $"expected: {writer.Size}, found: {reader.Size}", location);
        location.RemoveAt(location.Count - 1);
        return result;
    }

    private static Result CheckEnumSymbols(EnumSchema reader, EnumSchema writer, List<string> location)
    {
        var missing = new SortedSet<string>(writer.Symbols, StringComparer.Ordinal);
        missing.ExceptWith(reader.Symbols);
        if (missing.Count == 0 || (reader.Default is { } fallback && reader.HasSymbol(fallback)))
        {
            return Compatible;
        }

        location.Add("symbols");
        var result = Incompatible(AvroIncompatibility.MissingEnumSymbols, reader, writer, "[" + string.Join(", ", missing) + "]", location);
        location.RemoveAt(location.Count - 1);
        return result;
    }

    private static Result TypeMismatch(AvroSchema reader, AvroSchema writer, List<string> location) =>
        Incompatible(AvroIncompatibility.TypeMismatch, reader, writer, $"reader type: {reader.JavaTypeName} not compatible with writer type: {writer.JavaTypeName}", location);

    private static Result Incompatible(string kind, AvroSchema reader, AvroSchema writer, string info, List<string> location)
    {
        var pointer = Pointer(location);
        var incompatibility = new AvroIncompatibility(kind, pointer, "", reader.ToCanonicalString(), writer.ToCanonicalString()) { AdditionalInfo = info };
        return new Result(Status.Incompatible, [incompatibility with { Message = incompatibility.Describe("new", "old") }]);
    }

    // The first token is the root's empty one, which the pointer leaves out.
    private static string Pointer(List<string> location) =>
        "/" + string.Join('/', location.Skip(1).Select(t => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));

    private static Result Merge(Result a, Result b)
    {
        if (b.Incompatibilities.Count == 0)
        {
            return a;
        }

        return a.Incompatibilities.Count == 0 ? b : new Result(Status.Incompatible, [.. a.Incompatibilities, .. b.Incompatibilities]);
    }

    private sealed record Result(Status Status, IReadOnlyList<AvroIncompatibility> Incompatibilities);

    private sealed class PairComparer : IEqualityComparer<(AvroSchema Reader, AvroSchema Writer)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((AvroSchema Reader, AvroSchema Writer) x, (AvroSchema Reader, AvroSchema Writer) y) =>
            ReferenceEquals(x.Reader, y.Reader) && ReferenceEquals(x.Writer, y.Writer);

        public int GetHashCode((AvroSchema Reader, AvroSchema Writer) obj) =>
            RuntimeHelpers.GetHashCode(obj.Reader) ^ RuntimeHelpers.GetHashCode(obj.Writer);
    }
}
