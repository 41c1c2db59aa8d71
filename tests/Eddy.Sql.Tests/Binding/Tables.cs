namespace Eddy.Sql.Tests.Binding;

/// <summary>The DDL the binder's tests query.</summary>
internal static class Tables
{
    public const string Orders =
        "CREATE TABLE orders (id BIGINT, customer STRING, amount INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) " +
        "WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json')";

    public const string Customers =
        "CREATE TABLE customers (name STRING, region STRING, since TIMESTAMP(3), PRIMARY KEY (name) NOT ENFORCED, WATERMARK FOR since AS since) " +
        "WITH ('connector' = 'upsert-kafka', 'topic' = 'customers', 'key.format' = 'json', 'value.format' = 'json')";

    public static TestCatalog Catalog() => new(Orders, Customers);
}
