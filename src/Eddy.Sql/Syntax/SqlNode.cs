using System.Globalization;
using System.Text;
using Eddy.Sql.Types;

namespace Eddy.Sql.Syntax;

/// <summary>
/// A node of the syntax tree. Every node knows where it starts (<see cref="Position"/>) and prints back as SQL
/// (<see cref="ToSql"/>) that parses to an equal tree.
/// </summary>
/// <remarks>
/// Equality ignores positions: two nodes are equal when they say the same thing, wherever they were written. This is
/// what a planner needs to match a GROUP BY key with a select item (as Calcite does) and what the round-trip law
/// parse(print(x)) == x states.
/// </remarks>
public abstract record SqlNode
{
    /// <summary>Where the node starts in the SQL text (its first token).</summary>
    public SourcePosition Position { get; init; }

    /// <summary>Whether the nodes are of the same type; derived records then compare their own members.</summary>
    public virtual bool Equals(SqlNode? other) => other is not null && EqualityContract == other.EqualityContract;

    /// <inheritdoc/>
    public override int GetHashCode() => EqualityContract.GetHashCode();

    /// <summary>The node printed as Flink SQL.</summary>
    public string ToSql()
    {
        var writer = new SqlWriter();
        Write(writer);
        return writer.ToString();
    }

    /// <summary>The node printed as Flink SQL (as <see cref="ToSql"/>).</summary>
    public sealed override string ToString() => ToSql();

    internal abstract void Write(SqlWriter writer);
}

/// <summary>Prints syntax trees as SQL: identifiers backquoted when needed, literals escaped, operands parenthesized by precedence.</summary>
internal sealed class SqlWriter
{
    private readonly StringBuilder _text = new();

    public SqlWriter Append(string text)
    {
        _text.Append(text);
        return this;
    }

    public SqlWriter Append(int value)
    {
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public SqlWriter Node(SqlNode node)
    {
        node.Write(this);
        return this;
    }

    public SqlWriter Identifier(string name)
    {
        if (SqlKeywords.IsPlainIdentifier(name))
            _text.Append(name);
        else
            _text.Append('`').Append(name.Replace("`", "``", StringComparison.Ordinal)).Append('`');
        return this;
    }

    public SqlWriter Name(SyntaxList<string> parts)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
                _text.Append('.');
            Identifier(parts[i]);
        }
        return this;
    }

    public SqlWriter Identifiers(SyntaxList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0)
                _text.Append(", ");
            Identifier(names[i]);
        }
        return this;
    }

    public SqlWriter String(string value)
    {
        _text.Append('\'').Append(value.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
        return this;
    }

    public SqlWriter List<T>(SyntaxList<T> nodes, string separator = ", ")
        where T : SqlNode
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            if (i > 0)
                _text.Append(separator);
            nodes[i].Write(this);
        }
        return this;
    }

    /// <summary>An operand, parenthesized when it binds more loosely than <paramref name="minPrecedence"/>.</summary>
    public SqlWriter Operand(Expression operand, int minPrecedence)
    {
        if (operand.Precedence < minPrecedence)
        {
            _text.Append('(');
            operand.Write(this);
            _text.Append(')');
        }
        else
        {
            operand.Write(this);
        }
        return this;
    }

    /// <summary>Expressions as a comma-separated list, each a full expression.</summary>
    public SqlWriter Expressions(SyntaxList<Expression> expressions) => List(expressions);

    public SqlWriter Type(SqlType type)
    {
        _text.Append(type.ToString());
        return this;
    }

    public SqlWriter KeyValues(SyntaxList<SqlProperty> properties)
    {
        _text.Append('(');
        List(properties);
        _text.Append(')');
        return this;
    }

    public override string ToString() => _text.ToString();
}

/// <summary>A <c>'key' = 'value'</c> pair of a <c>WITH (...)</c> clause, <c>SET</c> or an <c>OPTIONS</c> hint.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record SqlProperty(string Key, string Value) : SqlNode
{
    internal override void Write(SqlWriter writer) => writer.String(Key).Append(" = ").String(Value);
}
