using System.Text;
using Eddy.Cli;
using Microsoft.Win32.SafeHandles;

// The process's streams: a buffered stdout (consume can print millions of lines; it flushes when idle), an
// unbuffered stderr for errors and progress, and stdin for produce. Everything else lives in CliApp.
var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
using var shutdown = new ShutdownSignal();
await using var stdout = new StreamWriter(OpenStandardOutput(), utf8, bufferSize: 1 << 16) { AutoFlush = false };
await using var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
using var stdin = new StreamReader(Console.OpenStandardInput(), utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
var console = new CliConsole(stdin, stdout, TextWriter.Synchronized(stderr))
{
    // A dumb terminal cannot move the cursor: it gets the line-per-interval view like a file or a pipe.
    OutputIsTerminal = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb",
};
try
{
    return await CliApp.RunAsync(args, console, cancellationToken: shutdown.Token);
}
finally
{
    try
    {
        await stdout.FlushAsync();
    }
    catch (IOException)
    {
        // The reader went away (e.g. `eddy consume ... | head`); nothing more can be delivered.
    }
}

// .NET's console stream swallows EPIPE, so `eddy consume ... | head` would never learn that its reader is gone;
// a plain stream on descriptor 1 reports it, and consume stops. Only for pipes and terminals: on a regular file a
// FileStream would write at its own offset instead of the descriptor's (breaking `>>` appends).
static Stream OpenStandardOutput()
{
    if (OperatingSystem.IsWindows())
    {
        return Console.OpenStandardOutput();
    }
    var raw = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
    if (!raw.CanSeek)
    {
        return raw;
    }
    raw.Dispose();
    return Console.OpenStandardOutput();
}
