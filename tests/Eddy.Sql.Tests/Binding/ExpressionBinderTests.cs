using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Binding;

[Trait("Category", "Unit")]
public class ExpressionBinderTests
{
    private static readonly TestCatalog Catalog = Tables.Catalog();

    /// <summary>The single projection of <c>SELECT expression FROM orders</c>: its Calcite spelling and type.</summary>
    private static (string Rex, SqlType Type) Bound(string expression)
    {
        var plan = Catalog.Plan($"SELECT {expression} FROM orders");
        var project = Assert.IsType<ProjectNode>(plan);
        return (Assert.Single(project.Projections).ToString()!, project.FieldTypes[0]);
    }

    [Theory]
    [InlineData("1", "1", "INT NOT NULL")]
    [InlineData("-2147483648", "-2147483648", "INT NOT NULL")]
    [InlineData("2147483648", "2147483648:BIGINT", "BIGINT NOT NULL")]
    [InlineData("9223372036854775808", "9223372036854775808:DECIMAL(19, 0)", "DECIMAL(19, 0) NOT NULL")]
    [InlineData("1.50", "1.50:DECIMAL(3, 2)", "DECIMAL(3, 2) NOT NULL")]
    [InlineData("0.5", "0.5:DECIMAL(1, 1)", "DECIMAL(1, 1) NOT NULL")]
    [InlineData("1.5E3", "1500:DOUBLE", "DOUBLE NOT NULL")]
    [InlineData("'abc'", "'abc'", "CHAR(3) NOT NULL")]
    [InlineData("TRUE", "true", "BOOLEAN NOT NULL")]
    [InlineData("NULL", "null:NULL", "NULL")]
    [InlineData("DATE '2024-01-31'", "2024-01-31:DATE", "DATE NOT NULL")]
    [InlineData("TIMESTAMP '2024-01-31 12:00:00.123'", "2024-01-31 12:00:00.123:TIMESTAMP(3)", "TIMESTAMP(3) NOT NULL")]
    [InlineData("TIMESTAMP '2024-01-31 12:00:00'", "2024-01-31 12:00:00:TIMESTAMP(0)", "TIMESTAMP(0) NOT NULL")]
    [InlineData("INTERVAL '5' SECOND", "5000:INTERVAL DAY(2) TO SECOND(6)", "INTERVAL DAY(2) TO SECOND(6) NOT NULL")]
    [InlineData("INTERVAL '1 02:03' DAY TO MINUTE", "93780000:INTERVAL DAY(2) TO SECOND(6)", "INTERVAL DAY(2) TO SECOND(6) NOT NULL")]
    [InlineData("INTERVAL '2' YEAR", "24:INTERVAL YEAR(2) TO MONTH", "INTERVAL YEAR(2) TO MONTH NOT NULL")]
    public void Literals_take_flinks_types(string literal, string rex, string type)
    {
        var (boundRex, boundType) = Bound(literal);
        Assert.Equal(type, boundType.ToString());
        Assert.Equal(rex, boundRex);
    }

    [Theory]
    [InlineData("amount + 1", "+($2, 1)", "INT")]
    [InlineData("id * amount", "*($0, $2)", "BIGINT")]
    [InlineData("amount + 1.5", "+($2, 1.5:DECIMAL(2, 1))", "DECIMAL(12, 1)")]
    [InlineData("amount BETWEEN 1 AND 3", "AND(>=($2, 1), <=($2, 3))", "BOOLEAN")]
    [InlineData("amount NOT BETWEEN 1 AND 3", "OR(<($2, 1), >($2, 3))", "BOOLEAN")]
    [InlineData("amount IN (1, 2)", "OR(=($2, 1), =($2, 2))", "BOOLEAN")]
    [InlineData("customer NOT IN ('a')", "NOT(=($1, 'a'))", "BOOLEAN")]
    [InlineData("customer IS NULL", "IS NULL($1)", "BOOLEAN NOT NULL")]
    [InlineData("amount > 1 IS NOT TRUE", "IS NOT TRUE(>($2, 1))", "BOOLEAN NOT NULL")]
    [InlineData("CASE WHEN amount > 0 THEN 'pos' END", "CASE(>($2, 0), 'pos', null:CHAR(3))", "CHAR(3)")]
    [InlineData("CASE amount WHEN 1 THEN 'one' ELSE 'many' END", "CASE(=($2, 1), 'one', 'many')", "CHAR(4) NOT NULL")]
    [InlineData("COALESCE(amount, 0)", "COALESCE($2, 0)", "INT NOT NULL")]
    [InlineData("CAST(amount AS STRING)", "CAST($2):STRING", "STRING")]
    [InlineData("TRY_CAST(customer AS INT)", "TRY_CAST($1):INT", "INT")]
    [InlineData("UPPER(customer)", "UPPER($1)", "STRING")]
    [InlineData("customer LIKE 'a%'", "LIKE($1, 'a%')", "BOOLEAN")]
    [InlineData("customer || '!'", "||($1, '!')", "STRING")]
    [InlineData("ts + INTERVAL '1' SECOND", "+($3, 1000:INTERVAL DAY(2) TO SECOND(6))", "TIMESTAMP(3)")]
    [InlineData("EXTRACT(HOUR FROM ts)", "EXTRACT('HOUR', $3)", "BIGINT")]
    [InlineData("orders.amount", "$2", "INT")]
    public void Operators_and_functions_bind_with_flinks_result_types(string expression, string rex, string type)
    {
        var (boundRex, boundType) = Bound(expression);
        Assert.Equal(rex, boundRex);
        Assert.Equal(type, boundType.ToString());
    }

    [Theory]
    [InlineData("SELECT amont FROM orders", "From line 1, column 8 to line 1, column 12: Column 'amont' not found in any table\nDid you mean 'amount'?")]
    [InlineData("SELECT o.amont FROM orders AS o", "From line 1, column 8 to line 1, column 14: Column 'amont' not found in table 'o'\nDid you mean 'amount'?")]
    [InlineData("SELECT x.amount FROM orders AS o", "From line 1, column 8 to line 1, column 15: Table 'x' not found")]
    [InlineData("SELECT Amount FROM orders", "From line 1, column 8 to line 1, column 13: Column 'Amount' not found in any table\nDid you mean 'amount'?")]
    [InlineData("SELECT zzz FROM orders", "From line 1, column 8 to line 1, column 10: Column 'zzz' not found in any table")]
    [InlineData("SELECT id,\n  UPPPER(customer) FROM orders", "From line 2, column 3 to line 2, column 18: No match found for function signature UPPPER(<CHARACTER>)\nDid you mean 'UPPER'?")]
    [InlineData("SELECT customer + 1 FROM orders", "From line 1, column 8 to line 1, column 19: Cannot apply '+' to arguments of type '<STRING> + <INT>'. Supported form(s): '<NUMERIC> + <NUMERIC>'")]
    [InlineData("SELECT * FROM orders WHERE amount", "From line 1, column 28 to line 1, column 33: WHERE clause must be a condition")]
    [InlineData("SELECT * FROM orders WHERE amount > 'x' OR customer = 1", "From line 1, column 28 to line 1, column 39: Cannot apply '>' to arguments of type '<INT> > <CHAR(1)>'. Supported form(s): '<COMPARABLE_TYPE> > <COMPARABLE_TYPE>'")]
    [InlineData("SELECT ROW_NUMBER() FROM orders", "From line 1, column 8 to line 1, column 19: OVER clause is necessary for window functions")]
    public void Errors_name_the_problem_in_flinks_words_with_its_position(string query, string message)
    {
        Assert.Equal(message, Catalog.QueryError(query).Message);
    }
}
