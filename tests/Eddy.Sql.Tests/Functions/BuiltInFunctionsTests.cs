using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public class BuiltInFunctionsTests
{
    [Fact]
    public void An_unknown_function_is_refused_with_Calcites_message()
    {
        var error = Assert.Throws<SqlFunctionException>(() => BuiltInFunctions.Resolve("my_func", [SqlType.Int, SqlType.String]));
        Assert.Equal("No match found for function signature my_func(<NUMERIC>, <CHARACTER>)", error.Message);
    }

    [Fact]
    public void A_known_function_with_wrong_arguments_lists_its_forms()
    {
        var error = Assert.Throws<SqlFunctionException>(() => BuiltInFunctions.Resolve("upper", [SqlType.Int.NotNull()]));
        Assert.Equal("Cannot apply 'UPPER' to arguments of type 'UPPER(<INT>)'. Supported form(s): 'UPPER(<STRING>)'", error.Message);
    }

    [Fact]
    public void Strict_functions_are_nullable_exactly_when_an_argument_is()
    {
        Assert.Equal(SqlType.String.NotNull(), BuiltInFunctions.Resolve("UPPER", [SqlType.VarChar(5).NotNull()]).ReturnType);
        Assert.Equal(SqlType.String, BuiltInFunctions.Resolve("UPPER", [SqlType.VarChar(5)]).ReturnType);
        Assert.True(BuiltInFunctions.Resolve("UPPER", [SqlType.String]).IsStrict);
        // Functions that can give NULL from non-NULL input are nullable regardless.
        Assert.Equal(SqlType.String, BuiltInFunctions.Resolve("REGEXP_EXTRACT", [SqlType.String.NotNull(), SqlType.String.NotNull()]).ReturnType);
        Assert.Equal(SqlType.Decimal(11, 2), BuiltInFunctions.Resolve("+", [SqlType.Decimal(10, 2).NotNull(), SqlType.Decimal(10, 2).NotNull()]).ReturnType);
        Assert.False(BuiltInFunctions.Resolve("COALESCE", [SqlType.Int, SqlType.Int]).IsStrict);
    }

    [Fact]
    public void Arguments_convert_to_the_parameter_types_the_function_needs()
    {
        var resolved = BuiltInFunctions.Resolve("SQRT", [SqlType.Int]);
        Assert.Equal([SqlType.Double], resolved.ParameterTypes);
        var plus = BuiltInFunctions.Resolve("+", [SqlType.Int, SqlType.Decimal(5, 2)]);
        Assert.Equal([SqlType.Decimal(10, 0), SqlType.Decimal(5, 2)], plus.ParameterTypes);
        Assert.All(plus.ParameterTypes, t => Assert.True(SqlTypeRules.CanImplicitlyCast(SqlType.Int, t) || SqlTypeRules.CanImplicitlyCast(SqlType.Decimal(5, 2), t)));
    }

    [Fact]
    public void Non_deterministic_functions_are_flagged()
    {
        foreach (var name in new[] { "RAND", "UUID", "NOW", "CURRENT_TIMESTAMP", "CURRENT_DATE", "LOCALTIMESTAMP", "CURRENT_ROW_TIMESTAMP" })
            Assert.False(BuiltInFunctions.Resolve(name, []).IsDeterministic, name);
        Assert.True(BuiltInFunctions.Resolve("UPPER", [SqlType.String]).IsDeterministic);
    }

    [Fact]
    public void Every_registered_function_is_documented_in_docs_sql_md()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "sql.md"));
        var section = docs[docs.IndexOf("## Functions", StringComparison.Ordinal)..];
        var missing = BuiltInFunctions.Names.Where(name => !section.Contains($"`{name}", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "Undocumented: " + string.Join(", ", missing));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Eddy.slnx")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Eddy.slnx not found above the test directory.");
    }
}
