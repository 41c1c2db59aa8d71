using System.Text;

namespace Eddy.Cli.Sql;

/// <summary>
/// A small line editor on a terminal's keys: typing inserts at the cursor; Left/Right, Home/End (also Ctrl-A/Ctrl-E)
/// move; Backspace/Delete erase; Ctrl-U and Ctrl-K erase to the start and to the end; Up/Down walk the history (the
/// line being typed comes back after the newest entry); Enter ends the line and adds it to the history; Ctrl-C
/// discards the line; Ctrl-D at an empty line ends the input (elsewhere it deletes under the cursor). Each key redraws
/// the line (carriage return, prompt, text, clear to the end, cursor back), so the editor keeps no screen state;
/// a line longer than the terminal is wide wraps, and then the redraw shows it less tidily.
/// </summary>
internal sealed class LineEditor(ISqlTerminal terminal, TextWriter output, SqlHistory history) : ILineSource
{
    private static readonly TimeSpan KeyPoll = TimeSpan.FromMilliseconds(20);

    public bool Interactive => true;

    public async ValueTask<InputLine> ReadLineAsync(string prompt, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var cursor = 0;
        var historyIndex = history.Entries.Count;
        var draft = "";
        await output.WriteAsync(prompt);
        await output.FlushAsync(cancellationToken);
        while (true)
        {
            // Poll rather than block, so SIGTERM (the process's token) still ends a session waiting at the prompt.
            while (!terminal.KeyAvailable)
            {
                await Task.Delay(KeyPoll, cancellationToken);
            }
            var key = terminal.ReadKey();
            var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
            if (IsControl(key, ConsoleKey.C, '\x03'))
            {
                await output.WriteAsync("^C\n");
                await output.FlushAsync(cancellationToken);
                return new InputLine(LineStatus.Interrupted);
            }
            if (IsControl(key, ConsoleKey.D, '\x04'))
            {
                if (line.Length == 0)
                {
                    await output.WriteAsync("\n");
                    await output.FlushAsync(cancellationToken);
                    return new InputLine(LineStatus.End);
                }
                if (cursor < line.Length)
                {
                    line.Remove(cursor, 1);
                }
            }
            else if (key.Key == ConsoleKey.Enter || key.KeyChar is '\r' or '\n')
            {
                await output.WriteAsync("\n");
                await output.FlushAsync(cancellationToken);
                var text = line.ToString();
                history.Add(text);
                return new InputLine(LineStatus.Line, text);
            }
            else if (key.Key == ConsoleKey.Backspace || key.KeyChar == '\b' || key.KeyChar == '\x7f')
            {
                if (cursor > 0)
                {
                    line.Remove(--cursor, 1);
                }
            }
            else if (key.Key == ConsoleKey.Delete)
            {
                if (cursor < line.Length)
                {
                    line.Remove(cursor, 1);
                }
            }
            else if (key.Key == ConsoleKey.LeftArrow || IsControl(key, ConsoleKey.B, '\x02'))
            {
                cursor = Math.Max(0, cursor - 1);
            }
            else if (key.Key == ConsoleKey.RightArrow || IsControl(key, ConsoleKey.F, '\x06'))
            {
                cursor = Math.Min(line.Length, cursor + 1);
            }
            else if (key.Key == ConsoleKey.Home || IsControl(key, ConsoleKey.A, '\x01'))
            {
                cursor = 0;
            }
            else if (key.Key == ConsoleKey.End || IsControl(key, ConsoleKey.E, '\x05'))
            {
                cursor = line.Length;
            }
            else if (IsControl(key, ConsoleKey.U, '\x15'))
            {
                line.Remove(0, cursor);
                cursor = 0;
            }
            else if (IsControl(key, ConsoleKey.K, '\x0b'))
            {
                line.Remove(cursor, line.Length - cursor);
            }
            else if (key.Key == ConsoleKey.UpArrow || IsControl(key, ConsoleKey.P, '\x10'))
            {
                if (historyIndex > 0)
                {
                    if (historyIndex == history.Entries.Count)
                    {
                        draft = line.ToString();
                    }
                    historyIndex--;
                    line.Clear().Append(history.Entries[historyIndex]);
                    cursor = line.Length;
                }
            }
            else if (key.Key == ConsoleKey.DownArrow || IsControl(key, ConsoleKey.N, '\x0e'))
            {
                if (historyIndex < history.Entries.Count)
                {
                    historyIndex++;
                    line.Clear().Append(historyIndex == history.Entries.Count ? draft : history.Entries[historyIndex]);
                    cursor = line.Length;
                }
            }
            else if (!control && key.KeyChar == '\t')
            {
                line.Insert(cursor, "    ");
                cursor += 4;
            }
            else if (!control && !char.IsControl(key.KeyChar) && key.KeyChar != '\0')
            {
                line.Insert(cursor, key.KeyChar);
                cursor++;
            }
            else
            {
                continue;
            }
            await output.WriteAsync(Redraw(prompt, line, cursor));
            await output.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Whether <paramref name="key"/> is Ctrl+<paramref name="letter"/>, however the terminal reports it (key and modifier, or the control character).</summary>
    internal static bool IsControl(ConsoleKeyInfo key, ConsoleKey letter, char controlChar) =>
        key.KeyChar == controlChar || (key.Key == letter && (key.Modifiers & ConsoleModifiers.Control) != 0);

    private static string Redraw(string prompt, StringBuilder line, int cursor)
    {
        var text = new StringBuilder("\r").Append(prompt).Append(line).Append("\e[K");
        var back = line.Length - cursor;
        if (back > 0)
        {
            text.Append("\e[").Append(back).Append('D');
        }
        return text.ToString();
    }
}
