namespace Eddy.Cli.Sql;

/// <summary>What reading a line gave.</summary>
internal enum LineStatus
{
    /// <summary>A line (Enter).</summary>
    Line,

    /// <summary>Ctrl-C at the prompt: the input under way is discarded.</summary>
    Interrupted,

    /// <summary>The input ended (Ctrl-D at an empty prompt, or the end of piped input).</summary>
    End,
}

/// <summary>One line read, or why there is none.</summary>
internal readonly record struct InputLine(LineStatus Status, string Text = "");

/// <summary>Where the client's lines come from: the line editor on a terminal, or plain lines from a pipe.</summary>
internal interface ILineSource
{
    /// <summary>Whether a person types the lines (prompts, a welcome, Ctrl-C clearing the input).</summary>
    bool Interactive { get; }

    /// <summary>Reads a line after showing <paramref name="prompt"/> (shown only when interactive).</summary>
    ValueTask<InputLine> ReadLineAsync(string prompt, CancellationToken cancellationToken);
}

/// <summary>Plain lines from a reader (stdin piped or redirected): no prompt, no editing.</summary>
internal sealed class TextLineSource(TextReader reader) : ILineSource
{
    public bool Interactive => false;

    public async ValueTask<InputLine> ReadLineAsync(string prompt, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken);
        return line is null ? new InputLine(LineStatus.End) : new InputLine(LineStatus.Line, line);
    }
}
