namespace Eddy.Avro.Serdes;

/// <summary>How the serializer finds the schema id it writes (the same switches as Confluent's Avro serializer).</summary>
public sealed record AvroSerdeConfig
{
    /// <summary>Register the schema under the subject when it is not there yet (Confluent's auto.register.schemas).</summary>
    public bool AutoRegisterSchemas { get; init; } = true;

    /// <summary>Write with the subject's latest registered schema's id instead of looking the schema up (use.latest.version).</summary>
    public bool UseLatestVersion { get; init; }

    /// <summary>Register and look up with normalize=true (normalize.schemas).</summary>
    public bool NormalizeSchemas { get; init; }
}
