namespace Eddy.Protocol;

/// <summary>A message with a generated codec: it reads and writes itself for any version its definition lists.</summary>
public interface IKafkaMessage
{
    short LowestSupportedVersion { get; }

    short HighestSupportedVersion { get; }

    bool IsFlexible(short version);

    void Read(ref KafkaReader reader, short version);

    void Write(KafkaWriter writer, short version);
}

/// <summary>A request or response body, identified by its API key.</summary>
public interface IApiMessage : IKafkaMessage
{
    ApiKey Api { get; }
}
