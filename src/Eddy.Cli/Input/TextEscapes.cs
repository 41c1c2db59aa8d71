using System.Text;

namespace Eddy.Cli.Input;

/// <summary>
/// Interprets \t, \n, \r and \\ in separator arguments, so <c>--key-separator '\t'</c> means a tab without the
/// shell's $'\t' quoting.
/// </summary>
public static class TextEscapes
{
    public static string Unescape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                var next = text[i + 1];
                var replacement = next switch { 't' => '\t', 'n' => '\n', 'r' => '\r', '\\' => '\\', _ => (char?)null };
                if (replacement is { } c)
                {
                    sb.Append(c);
                    i++;
                    continue;
                }
            }
            sb.Append(text[i]);
        }
        return sb.ToString();
    }
}
