namespace Eddy.Cli.Commands;

/// <summary>--output: the human/tool-compatible text form, or JSON for scripts.</summary>
public enum OutputFormat
{
    Text,
    Json,
}
