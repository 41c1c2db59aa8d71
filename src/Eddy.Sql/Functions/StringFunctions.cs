using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Eddy.Sql.Functions;

/// <summary>
/// Flink's string functions. Positions and lengths count UTF-16 code units (Flink counts code points: the two differ
/// only for characters outside the Basic Multilingual Plane). Regular expressions are Java's syntax run on .NET's
/// engine (see <see cref="Patterns"/>).
/// </summary>
internal static class StringFunctions
{
    public static string Concat(string a, string b) => string.Concat(a, b);

    /// <summary>CONCAT(s1, s2, …): NULL if any argument is NULL (strict).</summary>
    public static string Concat(string[] values) => string.Concat(values);

    /// <summary>CONCAT_WS(sep, s1, …): NULL arguments are skipped; a NULL separator gives NULL.</summary>
    public static string? ConcatWs(string? separator, string?[] values)
    {
        if (separator is null)
            return null;
        var text = new StringBuilder();
        var first = true;
        foreach (var value in values)
        {
            if (value is null)
                continue;
            if (!first)
                text.Append(separator);
            first = false;
            text.Append(value);
        }
        return text.ToString();
    }

    public static int CharLength(string s) => s.Length;

    public static string Upper(string s) => s.ToUpperInvariant();

    public static string Lower(string s) => s.ToLowerInvariant();

    /// <summary>INITCAP: the first letter of each run of letters and digits upper case, the rest lower case.</summary>
    public static string InitCap(string s)
    {
        var chars = s.ToCharArray();
        var atStart = true;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (char.IsLetterOrDigit(c))
            {
                chars[i] = atStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                atStart = false;
            }
            else
            {
                atStart = true;
            }
        }
        return new string(chars);
    }

    /// <summary>POSITION(needle IN s): 1-based, 0 when absent, 1 for an empty needle.</summary>
    public static int Position(string needle, string s) => s.IndexOf(needle, StringComparison.Ordinal) + 1;

    /// <summary>LOCATE(needle, s[, start]): the first occurrence at or after 1-based start; 0 when absent or start is below 1.</summary>
    public static int Locate(string needle, string s, int start)
    {
        if (start < 1 || start > s.Length + 1)
            return 0;
        return s.IndexOf(needle, start - 1, StringComparison.Ordinal) + 1;
    }

    public static int Locate(string needle, string s) => Locate(needle, s, 1);

    /// <summary>INSTR(s, needle): 1-based, 0 when absent.</summary>
    public static int Instr(string s, string needle) => s.IndexOf(needle, StringComparison.Ordinal) + 1;

    /// <summary>TRIM([BOTH|LEADING|TRAILING] chars FROM s): removes any of <paramref name="chars"/> from the chosen ends.</summary>
    public static string Trim(string mode, string chars, string s)
    {
        var set = chars.ToCharArray();
        if (mode.Equals("LEADING", StringComparison.OrdinalIgnoreCase))
            return s.TrimStart(set);
        if (mode.Equals("TRAILING", StringComparison.OrdinalIgnoreCase))
            return s.TrimEnd(set);
        return s.Trim(set);
    }

    public static string Trim(string s) => s.Trim(' ');
    public static string LTrim(string s) => s.TrimStart(' ');
    public static string LTrim(string s, string chars) => s.TrimStart(chars.ToCharArray());
    public static string RTrim(string s) => s.TrimEnd(' ');
    public static string RTrim(string s, string chars) => s.TrimEnd(chars.ToCharArray());
    public static string BTrim(string s) => s.Trim(' ');
    public static string BTrim(string s, string chars) => s.Trim(chars.ToCharArray());

    /// <summary>LPAD(s, len, pad): left-padded (or truncated) to len; NULL for a negative len or an empty pad.</summary>
    public static string? LPad(string s, int length, string pad)
    {
        if (length < 0 || pad.Length == 0)
            return null;
        if (length <= s.Length)
            return s[..length];
        var text = new StringBuilder(length);
        while (text.Length < length - s.Length)
            text.Append(pad);
        text.Length = length - s.Length;
        return text.Append(s).ToString();
    }

    /// <summary>RPAD(s, len, pad): right-padded (or truncated) to len; NULL for a negative len or an empty pad.</summary>
    public static string? RPad(string s, int length, string pad)
    {
        if (length < 0 || pad.Length == 0)
            return null;
        if (length <= s.Length)
            return s[..length];
        var text = new StringBuilder(s, length + pad.Length);
        while (text.Length < length)
            text.Append(pad);
        text.Length = length;
        return text.ToString();
    }

    public static string Repeat(string s, int times)
    {
        if (times <= 0 || s.Length == 0)
            return "";
        return new StringBuilder(s.Length * times).Insert(0, s, times).ToString();
    }

    /// <summary>REPLACE(s, search, replacement): every occurrence; an empty search inserts between characters, as Java's String.replace.</summary>
    public static string Replace(string s, string search, string replacement)
    {
        if (search.Length > 0)
            return s.Replace(search, replacement, StringComparison.Ordinal);
        var text = new StringBuilder(s.Length * (replacement.Length + 1) + replacement.Length);
        text.Append(replacement);
        foreach (var c in s)
            text.Append(c).Append(replacement);
        return text.ToString();
    }

    public static string Reverse(string s)
    {
        var chars = s.ToCharArray();
        Array.Reverse(chars);
        // Keep surrogate pairs in order.
        for (var i = 0; i < chars.Length - 1; i++)
        {
            if (char.IsLowSurrogate(chars[i]) && char.IsHighSurrogate(chars[i + 1]))
            {
                (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
                i++;
            }
        }
        return new string(chars);
    }

    /// <summary>SUBSTRING(s FROM pos [FOR len]): 1-based; 0 is 1; a negative pos counts from the end; NULL for a negative len.</summary>
    public static string? Substring(string s, int position, int length)
    {
        if (length < 0)
            return null;
        int start;
        if (position > 0)
        {
            start = position - 1;
            if (start >= s.Length)
                return "";
        }
        else if (position < 0)
        {
            start = Math.Max(0, s.Length + position);
        }
        else
        {
            start = 0;
        }
        var end = s.Length - start < length ? s.Length : start + length;
        return s[start..end];
    }

    public static string? Substring(string s, int position) => Substring(s, position, int.MaxValue);

    /// <summary>OVERLAY(s PLACING r FROM pos [FOR len]).</summary>
    public static string Overlay(string s, string replacement, int position, int length)
    {
        var start = Math.Clamp(position - 1, 0, s.Length);
        var end = Math.Clamp(start + Math.Max(length, 0), start, s.Length);
        return string.Concat(s.AsSpan(0, start), replacement, s.AsSpan(end));
    }

    public static string Overlay(string s, string replacement, int position) => Overlay(s, replacement, position, replacement.Length);

    public static string Left(string s, int length) => length <= 0 ? "" : length >= s.Length ? s : s[..length];

    public static string Right(string s, int length) => length <= 0 ? "" : length >= s.Length ? s : s[^length..];

    /// <summary>ASCII(s): the code of the first character; 0 for an empty string.</summary>
    public static int Ascii(string s) => s.Length == 0 ? 0 : s[0];

    /// <summary>CHR(n): the character of n modulo 256; empty for a negative n.</summary>
    public static string Chr(long n) => n < 0 ? "" : ((char)(n & 0xFF)).ToString();

    /// <summary>SPLIT_INDEX(s, delimiter, index): the 0-based index-th field; NULL when out of range.</summary>
    public static string? SplitIndex(string s, string delimiter, int index)
    {
        if (index < 0)
            return null;
        string[] parts;
        if (delimiter.Length == 0)
            parts = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        else
            parts = s.Split(delimiter);
        return index < parts.Length ? parts[index] : null;
    }

    /// <summary>STR_TO_MAP(s[, listDelimiter, keyValueDelimiter]): delimiters are regular expressions, defaults ',' and '='.</summary>
    public static Dictionary<object, object?> StrToMap(string s, string listDelimiter, string keyValueDelimiter)
    {
        var map = new Dictionary<object, object?>();
        var listRegex = Patterns.Get(listDelimiter);
        var kvRegex = Patterns.Get(keyValueDelimiter);
        if (listRegex is null || kvRegex is null)
            throw new SqlFunctionException($"Invalid regular expression in STR_TO_MAP: '{(listRegex is null ? listDelimiter : keyValueDelimiter)}'.");
        foreach (var entry in Patterns.JavaSplit(listRegex, s))
        {
            var kv = Patterns.JavaSplit(kvRegex, entry, 2);
            map[kv[0]] = kv.Length > 1 ? kv[1] : null;
        }
        return map;
    }

    public static Dictionary<object, object?> StrToMap(string s) => StrToMap(s, ",", "=");

    /// <summary>REGEXP(s, regex): whether any part of s matches; NULL for an invalid pattern.</summary>
    public static bool? Regexp(string s, string regex) => Patterns.Get(regex)?.IsMatch(s);

    /// <summary>REGEXP_REPLACE(s, regex, replacement): every match replaced; <c>$n</c> names groups as in Java.</summary>
    public static string? RegexpReplace(string s, string regex, string replacement)
    {
        var pattern = Patterns.Get(regex);
        return pattern?.Replace(s, Patterns.JavaReplacement(replacement));
    }

    /// <summary>REGEXP_EXTRACT(s, regex[, group]): the group of the first match (group 1 by default); NULL without a match.</summary>
    public static string? RegexpExtract(string s, string regex, int group)
    {
        var pattern = Patterns.Get(regex);
        if (pattern is null)
            return null;
        var match = pattern.Match(s);
        if (!match.Success)
            return null;
        if (group < 0 || group >= match.Groups.Count)
            return null;
        return match.Groups[group].Success ? match.Groups[group].Value : null;
    }

    public static string? RegexpExtract(string s, string regex) => RegexpExtract(s, regex, 1);

    public static string ToBase64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    public static string ToBase64(byte[] s) => Convert.ToBase64String(s);

    public static string FromBase64(string s)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(s));
        }
        catch (FormatException e)
        {
            throw new SqlFunctionException($"Illegal base64 input for FROM_BASE64: '{s}'.", e);
        }
    }

    /// <summary>ENCODE(s, charset): the bytes of s in 'US-ASCII', 'ISO-8859-1', 'UTF-8', 'UTF-16BE', 'UTF-16LE' or 'UTF-16'.</summary>
    public static byte[] Encode(string s, string charset) => Charset(charset).GetBytes(s);

    /// <summary>DECODE(bytes, charset).</summary>
    public static string Decode(byte[] bytes, string charset) => Charset(charset).GetString(bytes);

    private static Encoding Charset(string name) => name.Trim().ToUpperInvariant() switch
    {
        "US-ASCII" or "ASCII" => Encoding.ASCII,
        "ISO-8859-1" or "LATIN1" => Encoding.Latin1,
        "UTF-8" or "UTF8" => Encoding.UTF8,
        "UTF-16BE" => Encoding.BigEndianUnicode,
        "UTF-16LE" => Encoding.Unicode,
        "UTF-16" => Encoding.BigEndianUnicode,
        _ => throw new SqlFunctionException($"Unsupported charset: '{name}'. Supported are US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE and UTF-16."),
    };

    /// <summary>
    /// PARSE_URL(url, part): HOST, PATH, QUERY, REF, PROTOCOL, FILE, AUTHORITY or USERINFO of the URL, as Java's URL
    /// gives them; NULL for an invalid URL, an unknown part or an absent one.
    /// </summary>
    public static string? ParseUrl(string url, string part)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return null;
        var query = uri.Query.Length > 0 ? uri.Query[1..] : null;
        var path = uri.AbsolutePath;
        return part switch
        {
            "HOST" => uri.Host,
            "PATH" => path,
            "QUERY" => query,
            "REF" => uri.Fragment.Length > 0 ? uri.Fragment[1..] : null,
            "PROTOCOL" => uri.Scheme,
            "FILE" => query is null ? path : path + "?" + query,
            "AUTHORITY" => uri.IsDefaultPort && !url.Contains(":" + uri.Port, StringComparison.Ordinal) ? AuthorityWithUser(uri) : AuthorityWithUser(uri) + ":" + uri.Port,
            "USERINFO" => uri.UserInfo.Length > 0 ? uri.UserInfo : null,
            _ => null,
        };
    }

    private static string AuthorityWithUser(Uri uri) => uri.UserInfo.Length > 0 ? uri.UserInfo + "@" + uri.Host : uri.Host;

    /// <summary>PARSE_URL(url, 'QUERY', key): the value of the query parameter key; NULL when absent.</summary>
    public static string? ParseUrl(string url, string part, string key)
    {
        if (part != "QUERY")
            return null;
        var query = ParseUrl(url, "QUERY");
        if (query is null)
            return null;
        foreach (var pair in query.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair.AsSpan(0, eq).SequenceEqual(key))
                return pair[(eq + 1)..];
        }
        return null;
    }

    /// <summary>s LIKE pattern [ESCAPE escape]: <c>%</c> any sequence, <c>_</c> one character, over the whole string.</summary>
    public static bool Like(string s, string pattern, string escape) => Patterns.Like(pattern, escape).IsMatch(s);

    public static bool Like(string s, string pattern) => Patterns.Like(pattern, null).IsMatch(s);

    /// <summary>s SIMILAR TO pattern [ESCAPE escape]: SQL's regular expressions (<c>%</c>, <c>_</c>, <c>|</c>, <c>*</c>, <c>+</c>, <c>?</c>, <c>{m,n}</c>, <c>[…]</c>, groups).</summary>
    public static bool SimilarTo(string s, string pattern, string escape) => Patterns.Similar(pattern, escape).IsMatch(s);

    public static bool SimilarTo(string s, string pattern) => Patterns.Similar(pattern, null).IsMatch(s);

    /// <summary>UUID(): a random (version 4) UUID in its 36-character text.</summary>
    public static string Uuid() => Guid.NewGuid().ToString();

    public static bool IsAlpha(string? s) => s is not null && s.Length > 0 && s.All(char.IsLetter);

    public static bool IsDigit(string? s) => s is not null && s.Length > 0 && s.All(char.IsAsciiDigit);

    /// <summary>IS_DECIMAL(s): whether s parses as a number (sign, digits, fraction, exponent); FALSE for NULL and ''.</summary>
    public static bool IsDecimal(string? s) =>
        s is not null && s.Length > 0 && double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}

/// <summary>
/// Regular expressions for REGEXP*, STR_TO_MAP, LIKE and SIMILAR TO, compiled once per pattern text and cached. Flink
/// uses java.util.regex; .NET's engine reads the same syntax except possessive quantifiers (<c>a*+</c>), Java's
/// <c>\p{javaLowerCase}</c>-style classes and <c>\Q…\E</c> quoting, which .NET rejects (an invalid pattern: NULL).
/// </summary>
internal static class Patterns
{
    private const int MaxCached = 1024;
    private static readonly ConcurrentDictionary<string, Regex?> Cache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string, string?, bool), Regex> SqlCache = new();

    /// <summary>The compiled Java-syntax regex, or NULL when .NET cannot read it.</summary>
    public static Regex? Get(string pattern)
    {
        if (Cache.TryGetValue(pattern, out var cached))
            return cached;
        Regex? regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException)
        {
            regex = null;
        }
        if (Cache.Count >= MaxCached)
            Cache.Clear();
        Cache[pattern] = regex;
        return regex;
    }

    /// <summary>Java's String.split(regex[, limit]): trailing empty strings removed when there is no limit.</summary>
    public static string[] JavaSplit(Regex regex, string s, int limit = 0)
    {
        if (s.Length == 0)
            return [""];
        var parts = limit > 0 ? regex.Split(s, limit) : regex.Split(s);
        if (limit == 0)
        {
            var count = parts.Length;
            while (count > 0 && parts[count - 1].Length == 0)
                count--;
            if (count < parts.Length)
                parts = parts[..count];
        }
        return parts;
    }

    /// <summary>A Java replacement string (<c>$1</c>, <c>\$</c>) in .NET's syntax (<c>$1</c>, <c>$$</c>).</summary>
    public static string JavaReplacement(string replacement)
    {
        if (!replacement.Contains('\\', StringComparison.Ordinal) && !replacement.Contains('$', StringComparison.Ordinal))
            return replacement;
        var text = new StringBuilder(replacement.Length);
        for (var i = 0; i < replacement.Length; i++)
        {
            var c = replacement[i];
            if (c == '\\' && i + 1 < replacement.Length)
            {
                var next = replacement[++i];
                text.Append(next == '$' ? "$$" : next.ToString());
            }
            else if (c == '$' && i + 1 < replacement.Length && replacement[i + 1] == '{')
            {
                var end = replacement.IndexOf('}', i);
                text.Append("${").Append(replacement, i + 2, end - i - 2).Append('}');
                i = end;
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    public static Regex Like(string pattern, string? escape) => SqlCache.GetOrAdd((pattern, escape, false), static key => Translate(key.Item1, key.Item2, similar: false));

    public static Regex Similar(string pattern, string? escape) => SqlCache.GetOrAdd((pattern, escape, true), static key => Translate(key.Item1, key.Item2, similar: true));

    private static Regex Translate(string pattern, string? escape, bool similar)
    {
        if (escape is not null && escape.Length != 1)
            throw new SqlFunctionException($"Invalid escape character '{escape}'");
        var escapeChar = escape?[0];
        var text = new StringBuilder("^(?:");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (escapeChar is { } e && c == e)
            {
                if (i + 1 >= pattern.Length)
                    throw new SqlFunctionException($"Invalid escape sequence '{pattern}', {i}");
                var next = pattern[++i];
                if (!similar && next is not ('%' or '_') && next != e)
                    throw new SqlFunctionException($"Invalid escape sequence '{pattern}', {i - 1}");
                text.Append(Regex.Escape(next.ToString()));
                continue;
            }
            switch (c)
            {
                case '%':
                    text.Append("(?s:.*)");
                    break;
                case '_':
                    text.Append("(?s:.)");
                    break;
                case '|' or '*' or '+' or '?' or '(' or ')' or '{' or '}' when similar:
                    text.Append(c);
                    break;
                case '[' when similar:
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                        throw new SqlFunctionException($"Invalid regular expression '{pattern}': unclosed bracket.");
                    text.Append(pattern, i, close - i + 1);
                    i = close;
                    break;
                default:
                    text.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        text.Append(")$");
        try
        {
            return new Regex(text.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
        catch (ArgumentException e)
        {
            throw new SqlFunctionException($"Invalid regular expression '{pattern}': {e.Message}", e);
        }
    }
}
