using System.Collections.Concurrent;
using Eddy.Cli.Sql;

namespace Eddy.Cli.Tests.Sql;

/// <summary>A terminal whose keys the test types: typed text, named keys and Ctrl combinations.</summary>
internal sealed class FakeTerminal : ISqlTerminalSession
{
    private readonly ConcurrentQueue<ConsoleKeyInfo> _keys = new();

    public bool KeyAvailable => !_keys.IsEmpty;

    public int Width { get; init; } = 80;

    public int Height { get; init; } = 24;

    public bool Disposed { get; private set; }

    public ConsoleKeyInfo ReadKey() => _keys.TryDequeue(out var key) ? key : throw new InvalidOperationException("no key typed");

    public FakeTerminal Type(string text)
    {
        foreach (var c in text)
        {
            var key = char.IsAsciiLetter(c) ? (ConsoleKey)char.ToUpperInvariant(c) : c == ' ' ? ConsoleKey.Spacebar : (ConsoleKey)0;
            _keys.Enqueue(new ConsoleKeyInfo(c, key, shift: char.IsUpper(c), alt: false, control: false));
        }
        return this;
    }

    public FakeTerminal Press(ConsoleKey key)
    {
        var c = key switch
        {
            ConsoleKey.Enter => '\r',
            ConsoleKey.Backspace => '\b',
            _ => '\0',
        };
        _keys.Enqueue(new ConsoleKeyInfo(c, key, shift: false, alt: false, control: false));
        return this;
    }

    /// <summary>Ctrl+letter as a terminal in raw mode reports it: the control character and the letter's key.</summary>
    public FakeTerminal Ctrl(char letter)
    {
        var upper = char.ToUpperInvariant(letter);
        _keys.Enqueue(new ConsoleKeyInfo((char)(upper - '@'), (ConsoleKey)upper, shift: false, alt: false, control: true));
        return this;
    }

    public FakeTerminal Line(string text) => Type(text).Press(ConsoleKey.Enter);

    public void Dispose() => Disposed = true;
}
