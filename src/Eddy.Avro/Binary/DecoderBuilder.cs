namespace Eddy.Avro;

/// <summary>
/// Builds the plan that reads writer-schema data as reader-schema values, by the specification's resolution
/// rules: fields matched by name or reader alias, writer-only fields skipped, reader-only fields filled from their
/// defaults, numbers promoted, enum symbols mapped (with the reader's enum default), union branches chosen once per
/// writer branch. What cannot be resolved becomes an error raised only if such data is read.
/// </summary>
internal sealed class DecoderBuilder
{
    private readonly Dictionary<(AvroSchema Writer, AvroSchema Reader), RecordDecoder> _records = new(PairComparer.Instance);

    public static ValueDecoder Build(AvroSchema writer, AvroSchema reader) => new DecoderBuilder().Resolve(writer, reader);

    private ValueDecoder Resolve(AvroSchema writer, AvroSchema reader)
    {
        if (writer is UnionSchema writerUnion)
        {
            return new WriterUnionDecoder([.. writerUnion.Branches.Select(branch => Resolve(branch, reader))]);
        }

        if (reader is UnionSchema readerUnion)
        {
            var index = BestBranch(readerUnion, writer);
            return index >= 0
                ? Resolve(writer, readerUnion.Branches[index])
                : new ErrorDecoder($"Found {Describe(writer)}, expecting {readerUnion.ToCanonicalString()}");
        }

        switch (reader.Type)
        {
            case AvroType.Null when writer.Type == AvroType.Null:
                return NullDecoder.Instance;
            case AvroType.Boolean when writer.Type == AvroType.Boolean:
                return BooleanDecoder.Instance;
            case AvroType.Int when writer.Type == AvroType.Int:
                return IntDecoder.Instance;
            case AvroType.Long when writer.Type is AvroType.Int or AvroType.Long:
                return new LongDecoder(fromInt: writer.Type == AvroType.Int);
            case AvroType.Float when writer.Type is AvroType.Int or AvroType.Long or AvroType.Float:
                return new FloatDecoder(writer.Type);
            case AvroType.Double when writer.Type is AvroType.Int or AvroType.Long or AvroType.Float or AvroType.Double:
                return new DoubleDecoder(writer.Type);
            case AvroType.Bytes when writer.Type is AvroType.Bytes or AvroType.String:
                return BytesDecoder.Instance;
            case AvroType.String when writer.Type is AvroType.String or AvroType.Bytes:
                return StringDecoder.Instance;
            case AvroType.Array when writer is ArraySchema writerArray:
                return new ArrayDecoder(Resolve(writerArray.Items, ((ArraySchema)reader).Items));
            case AvroType.Map when writer is MapSchema writerMap:
                return new MapDecoder(Resolve(writerMap.Values, ((MapSchema)reader).Values));
            case AvroType.Fixed when writer is FixedSchema writerFixed:
                var readerFixed = (FixedSchema)reader;
                if (!CompatibilityChecker.NamesMatch(readerFixed, writerFixed))
                {
                    return new ErrorDecoder($"Found {writerFixed.FullName}, expecting {readerFixed.FullName}");
                }

                return readerFixed.Size == writerFixed.Size
                    ? new FixedDecoder(readerFixed)
                    : new ErrorDecoder($"Fixed {writerFixed.FullName} has {writerFixed.Size} bytes, the reader expects {readerFixed.Size}");
            case AvroType.Enum when writer is EnumSchema writerEnum:
                return ResolveEnum(writerEnum, (EnumSchema)reader);
            case AvroType.Record when writer is RecordSchema writerRecord:
                return ResolveRecord(writerRecord, (RecordSchema)reader);
            default:
                return new ErrorDecoder($"Found {Describe(writer)}, expecting {Describe(reader)}");
        }
    }

    private static ValueDecoder ResolveEnum(EnumSchema writer, EnumSchema reader)
    {
        if (!CompatibilityChecker.NamesMatch(reader, writer))
        {
            return new ErrorDecoder($"Found {writer.FullName}, expecting {reader.FullName}");
        }

        var readerValues = EnumValues.Of(reader);
        var fallback = reader.Default is { } symbol ? readerValues[reader.GetOrdinal(symbol)] : null;
        var mapping = new GenericEnum?[writer.Symbols.Count];
        for (var i = 0; i < mapping.Length; i++)
        {
            var ordinal = reader.GetOrdinal(writer.Symbols[i]);
            mapping[i] = ordinal >= 0 ? readerValues[ordinal] : fallback;
        }

        return new EnumDecoder(mapping, writer.Symbols);
    }

    private RecordDecoder ResolveRecord(RecordSchema writer, RecordSchema reader)
    {
        if (_records.TryGetValue((writer, reader), out var existing))
        {
            return existing;
        }

        var decoder = new RecordDecoder(reader);
        _records[(writer, reader)] = decoder;
        if (!CompatibilityChecker.NamesMatch(reader, writer))
        {
            decoder.SetPlan([], [], $"Found {writer.FullName}, expecting {reader.FullName}");
            return decoder;
        }

        var readerFieldOf = new RecordField?[writer.Fields.Count];
        var defaults = new List<(int, object?, bool)>();
        string? error = null;
        foreach (var readerField in reader.Fields)
        {
            RecordField? writerField;
            try
            {
                writerField = CompatibilityChecker.LookupWriterField(writer, readerField);
            }
            catch (InvalidOperationException e)
            {
                error ??= e.Message;
                continue;
            }

            if (writerField is not null)
            {
                readerFieldOf[writerField.Position] = readerField;
            }
            else if (readerField.Default is { } json)
            {
                try
                {
                    var value = DefaultValues.FromJson(json, readerField.Schema);
                    defaults.Add((readerField.Position, value, !AvroDatum.IsImmutable(value)));
                }
                catch (AvroDataException e)
                {
                    error ??= $"Invalid default for field {readerField.Name} of {reader.FullName}: {e.Message}";
                }
            }
            else
            {
                error ??= $"Found {writer.FullName}, expecting {reader.FullName}, missing required field {readerField.Name}";
            }
        }

        var steps = new RecordDecoder.Step[writer.Fields.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = readerFieldOf[i] is { } readerField
                ? new RecordDecoder.Step(readerField.Position, Resolve(writer.Fields[i].Schema, readerField.Schema), null)
                : new RecordDecoder.Step(-1, null, Skipper.For(writer.Fields[i].Schema));
        }

        decoder.SetPlan(steps, [.. defaults], error);
        return decoder;
    }

    /// <summary>
    /// The reader branch for a writer type: the same type (and full name), else a named type whose name matches
    /// the way compatibility matches names, else a record the writer's record can be read as, else a promotion.
    /// </summary>
    internal static int BestBranch(UnionSchema reader, AvroSchema writer)
    {
        var branches = reader.Branches;
        for (var i = 0; i < branches.Count; i++)
        {
            if (branches[i].Type == writer.Type && (branches[i] is not NamedSchema named || named.FullName == ((NamedSchema)writer).FullName))
            {
                return i;
            }
        }

        for (var i = 0; i < branches.Count; i++)
        {
            if (branches[i].Type == writer.Type && branches[i] is NamedSchema named && CompatibilityChecker.NamesMatch(named, (NamedSchema)writer))
            {
                return i;
            }
        }

        if (writer.Type == AvroType.Record)
        {
            for (var i = 0; i < branches.Count; i++)
            {
                if (branches[i].Type == AvroType.Record && AvroCompatibility.CanRead(branches[i], writer))
                {
                    return i;
                }
            }
        }

        AvroType[] promotions = writer.Type switch
        {
            AvroType.Int => [AvroType.Long, AvroType.Float, AvroType.Double],
            AvroType.Long => [AvroType.Float, AvroType.Double],
            AvroType.Float => [AvroType.Double],
            AvroType.String => [AvroType.Bytes],
            AvroType.Bytes => [AvroType.String],
            _ => [],
        };
        for (var i = 0; i < branches.Count; i++)
        {
            if (Array.IndexOf(promotions, branches[i].Type) >= 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Describe(AvroSchema schema) => schema is NamedSchema named ? named.FullName : schema.TypeName;

    private sealed class PairComparer : IEqualityComparer<(AvroSchema Writer, AvroSchema Reader)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((AvroSchema Writer, AvroSchema Reader) x, (AvroSchema Writer, AvroSchema Reader) y) =>
            ReferenceEquals(x.Writer, y.Writer) && ReferenceEquals(x.Reader, y.Reader);

        public int GetHashCode((AvroSchema Writer, AvroSchema Reader) obj) =>
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Writer) ^ System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Reader);
    }
}
