using Confluent.SchemaRegistry;
using Eddy.Avro;
using Eddy.Engine.Records;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Avro;

/// <summary>
/// Flink's <c>avro-confluent</c> format: Confluent's wire format (magic byte 0, the 4-byte big-endian schema id, the
/// Avro binary record) through a Confluent-compatible schema registry. The serializer registers the schema derived
/// from the table under the subject (<c>topic-value</c> or <c>topic-key</c> by default) and writes its id; the
/// deserializer fetches each writer schema by id once and resolves it to the derived schema.
/// </summary>
internal sealed class AvroConfluentFormatFactory : FormatFactory
{
    /// <summary><c>avro-confluent.url</c> (required).</summary>
    public static readonly FormatOption Url = FormatOption.Text("avro-confluent.url", null,
        "The URL of the Confluent Schema Registry to fetch and register schemas (required).");
    /// <summary><c>avro-confluent.subject</c>.</summary>
    public static readonly FormatOption Subject = FormatOption.Text("avro-confluent.subject", null,
        "The subject the serializer registers the schema under; '<topic>-value' or '<topic>-key' by default.");
    /// <summary><c>avro-confluent.basic-auth.credentials-source</c>.</summary>
    public static readonly FormatOption BasicAuthCredentialsSource = FormatOption.Text("avro-confluent.basic-auth.credentials-source", null,
        "Where basic authentication's credentials come from: 'USER_INFO' (basic-auth.user-info) or 'URL'.");
    /// <summary><c>avro-confluent.basic-auth.user-info</c>.</summary>
    public static readonly FormatOption BasicAuthUserInfo = FormatOption.Text("avro-confluent.basic-auth.user-info", null,
        "Basic authentication's 'user:password'.");
    /// <summary><c>avro-confluent.auto.register.schemas</c>.</summary>
    public static readonly FormatOption AutoRegisterSchemas = FormatOption.Boolean("avro-confluent.auto.register.schemas", true,
        "Whether the serializer registers the derived schema; false looks up its id under the subject, which must have it.");

    private static readonly IReadOnlyList<FormatOption> AllOptions = [Url, Subject, BasicAuthCredentialsSource, BasicAuthUserInfo, AutoRegisterSchemas];

    /// <inheritdoc/>
    public override string Identifier => "avro-confluent";

    /// <inheritdoc/>
    public override IReadOnlyList<FormatOption> SupportedOptions => AllOptions;

    /// <inheritdoc/>
    protected override RowFormat CreateFormat(FormatOptions options, FormatContext context)
    {
        var url = options.GetString(Url)
            ?? throw new FormatValidationException($"One or more required options are missing.\n\nMissing required options are:\n\n{Url.Key}");
        var config = new SchemaRegistryConfig { Url = url };
        if (options.GetString(BasicAuthCredentialsSource) is { } source)
        {
            config.BasicAuthCredentialsSource = source.ToUpperInvariant() switch
            {
                "USER_INFO" => AuthCredentialsSource.UserInfo,
                "URL" => AuthCredentialsSource.UserInfo,
                _ => throw UnsupportedValue(source, BasicAuthCredentialsSource.Key, "USER_INFO, URL"),
            };
        }
        if (options.GetString(BasicAuthUserInfo) is { } userInfo)
        {
            config.BasicAuthUserInfo = userInfo;
            config.BasicAuthCredentialsSource ??= AuthCredentialsSource.UserInfo;
        }
        var subject = options.GetString(Subject)
            ?? (context.Topic is { } topic ? topic + (context.IsKey ? "-key" : "-value") : null);
        return new AvroConfluentFormat(() => new CachedSchemaRegistryClient(config), url, subject, options.GetBoolean(AutoRegisterSchemas));
    }
}

/// <summary>The <c>avro-confluent</c> format: a registry client (created on first use, shared by its serdes) and a subject.</summary>
internal sealed class AvroConfluentFormat(Func<ISchemaRegistryClient> registryFactory, string url, string? subject, bool autoRegister) : RowFormat
{
    private readonly Lazy<ISchemaRegistryClient> _registry = new(registryFactory);

    /// <summary>How long one registry call may take before the record fails.</summary>
    public static TimeSpan RegistryTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc/>
    public override string Identifier => "avro-confluent";

    /// <summary>The subject the serializer registers under, when known.</summary>
    public string? Subject => subject;

    /// <inheritdoc/>
    public override IRowDeserializer CreateDeserializer(SqlType rowType, IReadOnlyList<int>? projection = null)
    {
        CheckRowType(rowType);
        var schema = AvroSchemas.Derive(rowType, legacyTimestampMapping: true);
        var inner = new AvroRowDeserializer(new AvroRowCodec(rowType, true), Project(rowType, projection), projection);
        return new AvroConfluentRowDeserializer(this, schema, inner, new AvroRowCodec(rowType, true));
    }

    /// <inheritdoc/>
    public override IRowSerializer CreateSerializer(SqlType rowType)
    {
        CheckRowType(rowType);
        var schema = AvroSchemas.Derive(rowType, legacyTimestampMapping: true);
        if (subject is null)
            throw new FormatValidationException(
                "Option 'avro-confluent.subject' is required for serialization when the table has no topic to derive '<topic>-value' from.");
        var registered = new Schema(schema.ToCanonicalString(), SchemaType.Avro);
        var id = Call(
            () => autoRegister ? _registry.Value.RegisterSchemaAsync(subject, registered) : _registry.Value.GetSchemaIdAsync(subject, registered),
            $"{(autoRegister ? "registering" : "looking up")} the schema of {rowType} under subject '{subject}'",
            message => new FormatValidationException(message));
        return new AvroRowSerializer(new AvroRowCodec(rowType, true), id);
    }

    /// <summary>The writer schema of <paramref name="id"/>, from the registry.</summary>
    public AvroSchema WriterSchema(int id) =>
        AvroSchema.Parse(Call(() => _registry.Value.GetSchemaAsync(id), $"looking up schema id {id}", message => new FormatParseException(message)).SchemaString);

    // The serdes are synchronous (a record at a time on the task's thread): a registry call blocks once per schema id.
    private T Call<T>(Func<Task<T>> call, string what, Func<string, Exception> error)
    {
        try
        {
            return Task.Run(call).WaitAsync(RegistryTimeout).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or TimeoutException or AvroSchemaException)
        {
            throw error($"Failed {what} in the schema registry at {url}: {e.Message}");
        }
    }
}

/// <summary>
/// Decodes Confluent wire-format Avro: a message written with the derived schema is decoded straight into the row;
/// one written with another schema (an older version, another producer) is resolved to the derived schema first.
/// </summary>
internal sealed class AvroConfluentRowDeserializer(AvroConfluentFormat format, AvroSchema readerSchema, AvroRowDeserializer direct, AvroRowCodec codec)
    : IRowDeserializer
{
    private readonly Dictionary<int, AvroDatumReader?> _resolvers = [];
    private readonly string _readerCanonical = readerSchema.ToCanonicalString();

    /// <inheritdoc/>
    public SqlType ProducedType => direct.ProducedType;

    /// <inheritdoc/>
    public void Deserialize(ReadOnlySpan<byte> message, IRowCollector output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!ConfluentWireFormat.TryReadHeader(message, out var id, out var payload))
            throw new FormatParseException(
                $"The message is not in Confluent's wire format: {(message.Length < ConfluentWireFormat.HeaderLength ? $"it has {message.Length} bytes, less than the 5 of the header" : $"its first byte is {message[0]}, not the magic byte 0")}.");
        if (!_resolvers.TryGetValue(id, out var resolver))
        {
            var writer = format.WriterSchema(id);
            resolver = writer.ToCanonicalString() == _readerCanonical ? null : ResolverFor(writer, id);
            _resolvers[id] = resolver;
        }
        if (resolver is null)
        {
            output.Collect(RowKind.Insert, direct.Decode(payload));
            return;
        }
        Row row;
        try
        {
            row = codec.FromGenericRecord((GenericRecord)resolver.Read(payload)!);
        }
        catch (FieldError e)
        {
            throw e.ToParseException($"Failed to deserialize Avro record of schema id {id}");
        }
        catch (AvroDataException e)
        {
            throw new FormatParseException($"Failed to deserialize Avro record of schema id {id}: {e.Message}", e);
        }
        output.Collect(RowKind.Insert, direct.Projected(row));
    }

    private AvroDatumReader ResolverFor(AvroSchema writer, int id)
    {
        try
        {
            return AvroDatumReader.For(writer, readerSchema);
        }
        catch (Exception e) when (e is AvroSchemaException or AvroDataException)
        {
            throw new FormatParseException($"The schema id {id} cannot be read as the table's schema {_readerCanonical}: {e.Message}", e);
        }
    }
}
