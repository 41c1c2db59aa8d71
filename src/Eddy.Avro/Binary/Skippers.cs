namespace Eddy.Avro;

/// <summary>Steps over one value of a writer schema without building it (fields the reader does not have).</summary>
internal abstract class Skipper
{
    public abstract void Skip(ref AvroBinaryReader reader);

    public static Skipper For(AvroSchema schema) => new Builder().Build(schema);

    private sealed class Builder
    {
        private readonly Dictionary<RecordSchema, RecordSkipper> _records = new(ReferenceEqualityComparer.Instance);

        public Skipper Build(AvroSchema schema)
        {
            switch (schema)
            {
                case RecordSchema record:
                    if (_records.TryGetValue(record, out var existing))
                    {
                        return existing;
                    }

                    var skipper = new RecordSkipper();
                    _records[record] = skipper;
                    skipper.Fields = [.. record.Fields.Select(f => Build(f.Schema))];
                    return skipper;
                case FixedSchema fixedSchema:
                    return new FixedSkipper(fixedSchema.Size);
                case ArraySchema array:
                    return new BlockSkipper(Build(array.Items), null);
                case MapSchema map:
                    return new BlockSkipper(Build(map.Values), BytesSkipper.Instance);
                case UnionSchema union:
                    return new UnionSkipper([.. union.Branches.Select(Build)]);
            }

            return schema.Type switch
            {
                AvroType.Null => new FixedSkipper(0),
                AvroType.Boolean => new FixedSkipper(1),
                AvroType.Float => new FixedSkipper(4),
                AvroType.Double => new FixedSkipper(8),
                AvroType.Bytes or AvroType.String => BytesSkipper.Instance,
                _ => VarintSkipper.Instance,
            };
        }
    }

    private sealed class FixedSkipper(int size) : Skipper
    {
        public override void Skip(ref AvroBinaryReader reader) => reader.Skip(size);
    }

    private sealed class VarintSkipper : Skipper
    {
        public static readonly VarintSkipper Instance = new();

        public override void Skip(ref AvroBinaryReader reader) => reader.SkipLong();
    }

    private sealed class BytesSkipper : Skipper
    {
        public static readonly BytesSkipper Instance = new();

        public override void Skip(ref AvroBinaryReader reader) => reader.SkipBytes();
    }

    private sealed class UnionSkipper(Skipper[] branches) : Skipper
    {
        public override void Skip(ref AvroBinaryReader reader)
        {
            var index = reader.ReadUnionIndex();
            if ((uint)index >= (uint)branches.Length)
            {
                throw new AvroDataException($"Union index {index} out of range: the union has {branches.Length} branches");
            }

            branches[index].Skip(ref reader);
        }
    }

    private sealed class RecordSkipper : Skipper
    {
        public Skipper[] Fields { get; set; } = [];

        public override void Skip(ref AvroBinaryReader reader)
        {
            if (++reader.Depth > AvroBinaryReader.MaxDepth)
            {
                throw new AvroDataException($"Records nested more than {AvroBinaryReader.MaxDepth} deep");
            }

            foreach (var field in Fields)
            {
                field.Skip(ref reader);
            }

            reader.Depth--;
        }
    }

    // Arrays and maps: blocks that carry their byte size are jumped over whole.
    private sealed class BlockSkipper(Skipper items, Skipper? keys) : Skipper
    {
        public override void Skip(ref AvroBinaryReader reader)
        {
            long count;
            while ((count = reader.ReadBlockCount(out var byteSize)) != 0)
            {
                if (byteSize >= 0)
                {
                    reader.Skip(checked((int)byteSize));
                    continue;
                }

                for (long i = 0; i < count; i++)
                {
                    keys?.Skip(ref reader);
                    items.Skip(ref reader);
                }
            }
        }
    }
}
