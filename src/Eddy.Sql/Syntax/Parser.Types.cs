using Eddy.Sql.Types;

namespace Eddy.Sql.Syntax;

/// <summary>Data types, mapped straight to Flink's logical types (<see cref="SqlType"/>) with Flink's defaults and bounds.</summary>
internal sealed partial class Parser
{
    internal TypeName ParseStandaloneType()
    {
        var type = ParseDataType();
        ExpectEnd();
        return type;
    }

    private TypeName ParseDataType()
    {
        var position = Position;
        Enter();
        try
        {
            var type = ParseBaseType();
            while (true)
            {
                if (AcceptWords("NOT", "NULL"))
                    type = type.NotNull();
                else if (AcceptWord("NULL"))
                    type = type.WithNullability(true);
                else if (AcceptWord("ARRAY"))
                    type = SqlType.Array(type);
                else if (AcceptWord("MULTISET"))
                    type = SqlType.Multiset(type);
                else
                    return new TypeName(type) { Position = position };
            }
        }
        finally
        {
            Leave();
        }
    }

    private SqlType ParseBaseType()
    {
        var position = Position;
        if (Current.Kind != TokenKind.Word)
        {
            Expecting("<DATA_TYPE>");
            throw Unexpected();
        }
        var word = Current.Text.ToUpperInvariant();
        switch (word)
        {
            case "BOOLEAN": Advance(); return SqlType.Boolean;
            case "TINYINT": Advance(); return SqlType.TinyInt;
            case "SMALLINT": Advance(); return SqlType.SmallInt;
            case "INT" or "INTEGER": Advance(); return SqlType.Int;
            case "BIGINT": Advance(); return SqlType.BigInt;
            case "FLOAT" or "REAL": Advance(); return SqlType.Float;
            case "DOUBLE":
                Advance();
                AcceptWord("PRECISION");
                return SqlType.Double;
            case "DECIMAL" or "DEC" or "NUMERIC":
            {
                Advance();
                int precision = 10, scale = 0;
                if (AcceptSymbol("("))
                {
                    precision = ParseUnsignedInt();
                    if (AcceptSymbol(","))
                        scale = ParseUnsignedInt();
                    ExpectSymbol(")");
                }
                Check(precision is >= 1 and <= SqlType.MaxDecimalPrecision, position, $"Decimal precision must be between 1 and {SqlType.MaxDecimalPrecision} (both inclusive).");
                Check(scale <= precision, position, $"Decimal scale must be between 0 and the precision {precision} (both inclusive).");
                return SqlType.Decimal(precision, scale);
            }
            case "CHAR" or "CHARACTER":
                Advance();
                if (AcceptWord("VARYING"))
                    return SqlType.VarChar(ParseLength(position, SqlType.MaxLength, "Variable character string"));
                return SqlType.Char(ParseLength(position, 1, "Character string"));
            case "VARCHAR":
                Advance();
                return SqlType.VarChar(ParseLength(position, SqlType.MaxLength, "Variable character string"));
            case "STRING": Advance(); return SqlType.String;
            case "BINARY":
                Advance();
                if (AcceptWord("VARYING"))
                    return SqlType.VarBinary(ParseLength(position, SqlType.MaxLength, "Variable binary string"));
                return SqlType.Binary(ParseLength(position, 1, "Binary string"));
            case "VARBINARY":
                Advance();
                return SqlType.VarBinary(ParseLength(position, SqlType.MaxLength, "Variable binary string"));
            case "BYTES": Advance(); return SqlType.Bytes;
            case "DATE": Advance(); return SqlType.Date;
            case "TIME":
            {
                Advance();
                var precision = ParseTimePrecision(position, 0, "Time");
                if (AcceptWord("WITHOUT"))
                {
                    ExpectWord("TIME");
                    ExpectWord("ZONE");
                }
                return SqlType.Time(precision);
            }
            case "TIMESTAMP":
            {
                Advance();
                var precision = ParseTimePrecision(position, 6, "Timestamp");
                if (AcceptWord("WITHOUT"))
                {
                    ExpectWord("TIME");
                    ExpectWord("ZONE");
                }
                else if (IsWord("WITH"))
                {
                    var with = Advance().Position;
                    if (!AcceptWord("LOCAL"))
                    {
                        if (Current.IsWord("TIME"))
                            throw Unsupported(with, "TIMESTAMP WITH TIME ZONE");
                        throw Unexpected();
                    }
                    ExpectWord("TIME");
                    ExpectWord("ZONE");
                    return SqlType.TimestampLtz(precision);
                }
                return SqlType.Timestamp(precision);
            }
            case "TIMESTAMP_LTZ":
                Advance();
                return SqlType.TimestampLtz(ParseTimePrecision(position, 6, "Timestamp"));
            case "INTERVAL":
                Advance();
                return ParseIntervalType(position);
            case "ARRAY" or "MULTISET":
            {
                Advance();
                ExpectSymbol("<");
                var element = ParseDataType().Type;
                ExpectSymbol(">");
                return word == "ARRAY" ? SqlType.Array(element) : SqlType.Multiset(element);
            }
            case "MAP":
            {
                Advance();
                ExpectSymbol("<");
                var key = ParseDataType().Type;
                ExpectSymbol(",");
                var value = ParseDataType().Type;
                ExpectSymbol(">");
                return SqlType.Map(key, value);
            }
            case "ROW":
                Advance();
                return ParseRowType(position);
            case "RAW" or "STRUCTURED" or "SYMBOL":
                throw Unsupported(position, word + " types");
        }
        Expecting("<DATA_TYPE>");
        throw Unexpected();
    }

    private static void Check(bool valid, SourcePosition position, string message)
    {
        if (!valid)
            throw SqlParseException.At(position, message);
    }

    private int ParseLength(SourcePosition position, int defaultLength, string what)
    {
        if (!AcceptSymbol("("))
            return defaultLength;
        var length = ParseUnsignedInt();
        ExpectSymbol(")");
        Check(length >= 1, position, $"{what} length must be between 1 and {SqlType.MaxLength} (both inclusive).");
        return length;
    }

    private int ParseTimePrecision(SourcePosition position, int defaultPrecision, string what)
    {
        if (!AcceptSymbol("("))
            return defaultPrecision;
        var precision = ParseUnsignedInt();
        ExpectSymbol(")");
        Check(precision <= SqlType.MaxTimePrecision, position, $"{what} precision must be between 0 and {SqlType.MaxTimePrecision} (both inclusive).");
        return precision;
    }

    private SqlType ParseIntervalType(SourcePosition position)
    {
        var qualifier = ParseIntervalQualifier();
        if (qualifier.IsYearMonth)
        {
            var years = qualifier.Start == TimeUnit.Year ? qualifier.StartPrecision ?? 2 : 2;
            Check(years is >= 1 and <= 4, position, "Year precision of year-month intervals must be between 1 and 4 (both inclusive).");
            return SqlType.IntervalYearMonth(years);
        }
        var days = qualifier.Start == TimeUnit.Day ? qualifier.StartPrecision ?? 2 : 2;
        var fraction = qualifier.FractionalPrecision ?? 6;
        Check(days is >= 1 and <= 6, position, "Day precision of day-time intervals must be between 1 and 6 (both inclusive).");
        Check(fraction <= SqlType.MaxTimePrecision, position, $"Fractional precision of day-time intervals must be between 0 and {SqlType.MaxTimePrecision} (both inclusive).");
        return SqlType.IntervalDayTime(days, fraction);
    }

    private SqlType ParseRowType(SourcePosition position)
    {
        string close;
        if (AcceptSymbol("<"))
        {
            close = ">";
        }
        else
        {
            ExpectSymbol("(");
            close = ")";
        }
        var fields = new List<SqlField>();
        if (!Current.IsSymbol(close))
        {
            do
            {
                var name = ParseIdentifier();
                var type = ParseDataType().Type;
                var description = Current.Kind == TokenKind.String ? Advance().Text : null;
                fields.Add(new SqlField(name, type, description));
            }
            while (AcceptSymbol(","));
        }
        ExpectSymbol(close);
        try
        {
            return SqlType.Row(fields);
        }
        catch (ArgumentException error)
        {
            throw SqlParseException.At(position, error.Message.Split(" (Parameter")[0]);
        }
    }
}
