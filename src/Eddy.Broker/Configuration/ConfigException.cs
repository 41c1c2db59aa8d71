namespace Eddy.Broker.Configuration;

/// <summary>An unknown configuration key or an invalid value, with a message naming both.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message) { }

    public ConfigException() { }

    public ConfigException(string message, Exception inner) : base(message, inner) { }
}
