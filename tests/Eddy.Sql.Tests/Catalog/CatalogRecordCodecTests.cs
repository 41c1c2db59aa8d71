using System.Text;
using CsCheck;
using Eddy.Sql.Catalog;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Catalog;

/// <summary>The catalog topic's record format: fixed key bytes per object, a JSON value carrying the DDL, and unreadable records refused with a reason.</summary>
[Trait("Category", "Unit")]
public class CatalogRecordCodecTests
{
    private static readonly ObjectIdentifier Orders = new("default_catalog", "default_database", "orders");

    private static StoredDefinition Table(ObjectIdentifier name, string ddl, long version = 1) =>
        new(ObjectKind.Table, new CatalogEntry(name, SqlParser.ParseStatement(ddl), ddl, Temporary: false), version, new DateTimeOffset(2026, 12, 7, 20, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_key_is_JSON_in_a_fixed_field_order_and_a_function_key_has_its_name_lower_cased()
    {
        Assert.Equal("""{"keytype":"TABLE_OR_VIEW","catalog":"default_catalog","database":"default_database","name":"orders"}""",
            Encoding.UTF8.GetString(CatalogRecordCodec.EncodeKey(CatalogKey.TableOrView(Orders))));
        Assert.Equal("""{"keytype":"FUNCTION","catalog":"default_catalog","database":"default_database","name":"myfn"}""",
            Encoding.UTF8.GetString(CatalogRecordCodec.EncodeKey(CatalogKey.Function(Orders with { Name = "MyFn" }))));
        // A table and a view of one name share a key, so the topic never holds both.
        Assert.Equal(CatalogKey.Of(ObjectKind.Table, Orders), CatalogKey.Of(ObjectKind.View, Orders));
    }

    [Fact]
    public void A_value_carries_the_kind_name_version_creation_time_and_DDL_text()
    {
        const string Ddl = "CREATE TABLE orders (id BIGINT) WITH ('connector' = 'kafka')";
        var json = Encoding.UTF8.GetString(CatalogRecordCodec.EncodeValue(Table(Orders, Ddl, version: 3)));
        Assert.Equal("""{"kind":"TABLE","catalog":"default_catalog","database":"default_database","name":"orders","temporary":false,"version":3,"createdAt":"2026-12-07T20:00:00.0000000+00:00","ddl":"CREATE TABLE orders (id BIGINT) WITH ('connector' = 'kafka')"}""", json);
    }

    [Fact]
    public void Any_name_and_DDL_text_round_trip_through_the_key_and_value()
    {
        // Printable text with the characters DDL and JSON escape (backquote, quote, backslash, double quote) and accents.
        var part = Gen.String[Gen.Char[' ', '\u024f'], 1, 12];
        Gen.Select(part, part, part).Sample((catalog, database, name) =>
        {
            var identifier = new ObjectIdentifier(catalog, database, name);
            var ddl = $"CREATE TABLE {identifier.ToQuotedString()} (a INT COMMENT '{name.Replace("'", "''", StringComparison.Ordinal)}') WITH ('k' = 'v')";
            var definition = Table(identifier, ddl, version: 7);
            Assert.True(CatalogRecordCodec.TryDecodeKey(CatalogRecordCodec.EncodeKey(definition.Key), out var key, out var keyError), keyError);
            Assert.Equal(definition.Key, key);
            Assert.True(CatalogRecordCodec.TryDecodeValue(key, CatalogRecordCodec.EncodeValue(definition), out var decoded, out var error), error);
            Assert.Equal(definition, decoded);
        }, iter: 200);
    }

    [Theory]
    [InlineData("not json", "the key is not JSON")]
    [InlineData("""["TABLE_OR_VIEW"]""", "the key is not a JSON object")]
    [InlineData("""{"keytype":"MODEL","catalog":"c","database":"d","name":"n"}""", "unknown keytype 'MODEL'")]
    [InlineData("""{"keytype":"FUNCTION","catalog":"c","name":"n"}""", "the key lacks its catalog, database or name")]
    public void An_unreadable_key_is_refused_with_a_reason(string key, string reason)
    {
        Assert.False(CatalogRecordCodec.TryDecodeKey(Encoding.UTF8.GetBytes(key), out _, out var error));
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "the value is not JSON")]
    [InlineData("""{"kind":"MODEL","catalog":"default_catalog","database":"default_database","name":"orders","ddl":"x"}""", "unknown kind 'MODEL'")]
    [InlineData("""{"kind":"TABLE","catalog":"default_catalog","database":"default_database","name":"other","ddl":"CREATE TABLE other (a INT)"}""", "the value names TABLE default_catalog.default_database.other, not the key's object")]
    [InlineData("""{"kind":"TABLE","catalog":"default_catalog","database":"default_database","name":"orders","ddl":"CREATE TABLE orders (a INT"}""", "its DDL does not parse: SQL parse failed.")]
    [InlineData("""{"kind":"VIEW","catalog":"default_catalog","database":"default_database","name":"orders","ddl":"CREATE TABLE orders (a INT)"}""", "its DDL is not a permanent CREATE VIEW")]
    [InlineData("""{"kind":"TABLE","catalog":"default_catalog","database":"default_database","name":"orders","ddl":"CREATE TEMPORARY TABLE orders (a INT)"}""", "its DDL is not a permanent CREATE TABLE")]
    [InlineData("""{"kind":"TABLE","catalog":"default_catalog","database":"default_database","name":"orders","temporary":true,"ddl":"CREATE TABLE orders (a INT)"}""", "a temporary object is never persisted")]
    public void An_unreadable_value_is_refused_with_a_reason(string value, string reason)
    {
        Assert.False(CatalogRecordCodec.TryDecodeValue(CatalogKey.TableOrView(Orders), Encoding.UTF8.GetBytes(value), out _, out var error));
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
    }
}
