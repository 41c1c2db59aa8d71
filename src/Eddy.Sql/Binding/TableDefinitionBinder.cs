using System.Collections.Immutable;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Binding;

/// <summary>
/// Turns a <c>CREATE TABLE</c> the catalog keeps into the planner's <see cref="CatalogTable"/>: physical columns,
/// metadata columns, computed columns bound over the source row (physical then metadata columns), the watermark's
/// rowtime column and delay, the primary key (NOT ENFORCED only; its columns become NOT NULL, as Flink's) and the
/// options, refusing what Flink refuses with Flink's message.
/// </summary>
internal static class TableDefinitionBinder
{
    /// <summary>Binds the table <paramref name="entry"/> defines.</summary>
    /// <exception cref="SqlValidationException">The definition does not validate.</exception>
    public static CatalogTable Bind(CatalogEntry entry)
    {
        if (entry.Definition is not CreateTableStatement create)
            throw new SqlValidationException($"'{entry.Name}' is not a table.");
        if (create.Like is not null)
            throw BindingErrors.NotSupported(create.Like, "CREATE TABLE ... LIKE");
        if (create.AsQuery is not null)
            throw BindingErrors.NotSupported(create.AsQuery, "CREATE TABLE ... AS SELECT");
        if (create.PartitionedBy.Count > 0)
            throw BindingErrors.NotSupported(create, "PARTITIONED BY");
        var name = entry.Name.ToString();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in create.Columns)
        {
            if (!seen.Add(column.Name))
                throw BindingErrors.AtName(column.Position, column.Name, $"Schema must not contain duplicate column names. Found duplicates: [{column.Name}]");
        }

        var primaryKey = PrimaryKey(create);
        var physical = ImmutableArray.CreateBuilder<SqlField>();
        var metadata = ImmutableArray.CreateBuilder<CatalogMetadataColumn>();
        foreach (var column in create.Columns)
        {
            switch (column)
            {
                case PhysicalColumn p:
                    var type = primaryKey.Contains(p.Name) ? p.Type.Type.NotNull() : p.Type.Type;
                    physical.Add(new SqlField(p.Name, type, p.Comment));
                    break;
                case MetadataColumn m:
                    metadata.Add(new CatalogMetadataColumn(m.Name, m.Type.Type, m.Key ?? m.Name, m.IsVirtual));
                    break;
            }
        }
        foreach (var key in primaryKey)
        {
            if (!physical.Any(f => f.Name == key))
            {
                var detail = seen.Contains(key) ? $"Column '{key}' is not a physical column." : $"Column '{key}' does not exist.";
                throw BindingErrors.At(create.PrimaryKey!, $"Invalid primary key '{create.PrimaryKey!.Name ?? "PK_" + string.Join("_", primaryKey)}'. {detail}");
            }
        }

        var table = new CatalogTable(name, physical.ToImmutable(), Options(create), PrimaryKey: primaryKey) { Metadata = metadata.ToImmutable() };
        var source = BoundRelation.Of(new TableScanNode(table), entry.Name.Name);
        var computed = ImmutableArray.CreateBuilder<CatalogComputedColumn>();
        foreach (var column in create.Columns)
        {
            if (column is ComputedColumn c)
                computed.Add(new CatalogComputedColumn(c.Name, new ExpressionBinder(source, "computed column").Bind(c.Expression)));
        }
        var hasExtra = metadata.Count > 0 || computed.Count > 0;
        table = table with
        {
            Computed = computed.ToImmutable(),
            DeclaredOrder = hasExtra ? [.. create.Columns.Select(c => c.Name)] : [],
        };
        return create.Watermark is { } watermark ? WithWatermark(table, watermark) : table;
    }

    /// <summary>The column of a <c>name AS PROCTIME()</c> computed column, or null.</summary>
    public static string? ProctimeColumn(CreateTableStatement create)
    {
        foreach (var column in create.Columns)
        {
            if (column is ComputedColumn { Expression: FunctionCall { Name.Count: 1, Arguments.Count: 0 } call } c && call.UpperName == "PROCTIME")
                return c.Name;
        }
        return null;
    }

    /// <summary>The type of each column of the table row (in declared order when it has metadata or computed columns).</summary>
    public static ImmutableArray<SqlField> TableRow(CatalogTable table)
    {
        if (table.DeclaredOrder.IsEmpty)
            return table.Schema;
        var fields = ImmutableArray.CreateBuilder<SqlField>(table.DeclaredOrder.Length);
        foreach (var column in table.DeclaredOrder)
            fields.Add(new SqlField(column, ColumnType(table, column)!));
        return fields.MoveToImmutable();
    }

    private static SqlType? ColumnType(CatalogTable table, string column)
    {
        if (table.IndexOf(column) is >= 0 and var i)
            return table.Schema[i].Type;
        foreach (var m in table.Metadata)
        {
            if (m.Name == column)
                return m.Type;
        }
        foreach (var c in table.Computed)
        {
            if (c.Name == column)
                return c.Expression.Type;
        }
        return null;
    }

    private static ImmutableArray<string> PrimaryKey(CreateTableStatement create)
    {
        if (create.PrimaryKey is not { } key)
            return [];
        if (key.Enforced)
            throw BindingErrors.At(key,
                "Flink doesn't support ENFORCED mode for PRIMARY KEY constraint. ENFORCED/NOT ENFORCED controls if the constraint checks are performed on the incoming/outgoing data. Flink does not own the data therefore the only supported mode is the NOT ENFORCED mode");
        return [.. key.Columns];
    }

    private static ImmutableDictionary<string, string> Options(CreateTableStatement create)
    {
        var options = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var option in create.Options)
            options[option.Key] = option.Value;
        return options.ToImmutable();
    }

    private static CatalogTable WithWatermark(CatalogTable table, WatermarkDefinition watermark)
    {
        if (watermark.Column.Count != 1)
            throw BindingErrors.NotSupported(watermark, "A watermark on a nested field");
        var rowtime = watermark.Column[0];
        var row = TableRow(table);
        var type = ColumnType(table, rowtime)
            ?? throw BindingErrors.AtName(watermark.Position, rowtime,
                $"The rowtime attribute field '{rowtime}' is not defined in the table schema, at {watermark.Position}\nAvailable fields: [{string.Join(", ", row.Select(f => "'" + f.Name + "'"))}]");
        if (type.Kind is not (SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz) || type.Precision > 3)
            throw BindingErrors.At(watermark,
                $"Invalid data type of time field for watermark definition. The field must be of type TIMESTAMP(p) or TIMESTAMP_LTZ(p), the supported precision 'p' is from 0 to 3, but the time field type is {type}");
        var delay = watermark.Expression switch
        {
            ColumnReference { Names.Count: 1 } column when column.Names[0] == rowtime => TimeSpan.Zero,
            BinaryExpression { Operator: BinaryOperator.Subtract, Left: ColumnReference { Names.Count: 1 } column, Right: IntervalLiteral interval }
                when column.Names[0] == rowtime => LiteralBinder.TryBind(interval)!.Value is TimeSpan span && span >= TimeSpan.Zero
                    ? span
                    : throw BindingErrors.NotSupported(interval, $"Watermark delay '{interval.ToSql()}' (a day-time interval of at least 0 is)"),
            _ => throw BindingErrors.NotSupported(watermark.Expression,
                $"Watermark strategy '{watermark.Expression.ToSql()}' (only '{rowtime}' and '{rowtime} - INTERVAL ...' are supported)"),
        };
        var computed = table.Computed.FirstOrDefault(c => c.Name == rowtime);
        return table with { RowtimeColumn = rowtime, WatermarkDelay = delay, RowtimeExpression = computed?.Expression };
    }

    /// <summary>
    /// The scan of <paramref name="table"/> and, above it when the table has metadata or computed columns, the projection
    /// of its table row (declared order, computed columns evaluated over the source row).
    /// </summary>
    public static PlanNode TableRowPlan(CatalogTable table)
    {
        var scan = new TableScanNode(table);
        if (table.DeclaredOrder.IsEmpty)
            return scan;
        var projections = ImmutableArray.CreateBuilder<RexNode>(table.DeclaredOrder.Length);
        var identity = table.DeclaredOrder.Length == scan.Fields.Length;
        foreach (var column in table.DeclaredOrder)
        {
            RexNode projection;
            if (table.IndexOf(column) is >= 0 and var i)
            {
                projection = Rex.Input(i, scan.FieldTypes[i]);
            }
            else if (table.Metadata.IndexOf(table.Metadata.FirstOrDefault(m => m.Name == column)!) is >= 0 and var m)
            {
                var index = table.Schema.Length + m;
                projection = Rex.Input(index, scan.FieldTypes[index]);
            }
            else
            {
                projection = table.Computed.First(c => c.Name == column).Expression;
            }
            identity &= projection is RexInputRef input && input.Index == projections.Count;
            projections.Add(projection);
        }
        return identity ? scan : new ProjectNode(scan, projections.MoveToImmutable(), table.DeclaredOrder);
    }
}
