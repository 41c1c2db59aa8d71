using System.Reflection;

namespace Eddy.Sql.Tests;

/// <summary>
/// The project mixes categories (see docs/development.md, Tests), so each test class carries its own trait: Unit for
/// what runs in this process only (parsing, typing, functions, formats, plans and jobs on the engine's test driver,
/// the oracle suite's driver runs), Compat for a real Kafka client against an in-process broker or registry (the
/// connectors' broker tests, the Kafka catalog store, avro-confluent, the oracle suite's Kafka runs). There is no
/// assembly trait: xunit adds traits up, so one would put the broker tests in the fast Unit subset too.
/// </summary>
[Trait("Category", "Unit")]
public class TestCategoryTests
{
    [Fact]
    public void Every_test_class_names_exactly_one_category()
    {
        var missing = typeof(TestCategoryTests).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()))
            .Where(t => t.GetCustomAttributesData().Count(IsCategory) != 1)
            .Select(t => t.FullName)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(missing.Count == 0, "Test classes without exactly one [Trait(\"Category\", ...)]: " + string.Join(", ", missing));
    }

    /// <summary>A <c>[Trait("Category", ...)]</c> (xunit's TraitAttribute keeps its name and value in its constructor arguments only).</summary>
    private static bool IsCategory(CustomAttributeData attribute) =>
        attribute.AttributeType == typeof(TraitAttribute) && attribute.ConstructorArguments[0].Value is "Category";
}
