using Eddy.Sql.Syntax;

namespace Eddy.Sql.Catalog;

/// <summary>
/// Merges <c>CREATE TABLE ... LIKE source (options)</c> with its source table as Flink's MergeTableLikeUtil does. The
/// source's physical columns always come first; its computed columns (GENERATED), metadata columns (METADATA),
/// watermark (WATERMARKS), primary key (CONSTRAINTS), partitioning (PARTITIONS) and options (OPTIONS) are included,
/// excluded or overwritten by the new table's, per feature. Without options the default is
/// <c>INCLUDING ALL OVERWRITING OPTIONS</c>.
/// </summary>
internal static class TableLikeMerger
{
    private enum Strategy
    {
        Including,
        Excluding,
        Overwriting,
    }

    private static readonly string[] Features = ["CONSTRAINTS", "GENERATED", "METADATA", "OPTIONS", "PARTITIONS", "WATERMARKS"];

    /// <summary>The table <paramref name="create"/> defines once merged with <paramref name="source"/>, without its LIKE clause.</summary>
    /// <exception cref="CatalogException">A clash the strategies do not resolve, in Flink's words.</exception>
    public static CreateTableStatement Merge(CreateTableStatement create, CreateTableStatement source)
    {
        var strategies = Strategies(create.Like!);

        var columns = new List<TableColumn>();
        foreach (var column in source.Columns)
        {
            if (column is PhysicalColumn
                || (column is ComputedColumn && strategies["GENERATED"] != Strategy.Excluding)
                || (column is MetadataColumn && strategies["METADATA"] != Strategy.Excluding))
            {
                columns.Add(column);
            }
        }
        foreach (var column in create.Columns)
        {
            var at = columns.FindIndex(c => c.Name == column.Name);
            if (at < 0)
            {
                columns.Add(column);
                continue;
            }
            var existing = columns[at];
            if (column is ComputedColumn && existing is ComputedColumn)
            {
                if (strategies["GENERATED"] != Strategy.Overwriting)
                {
                    throw new CatalogException(
                        $"A generated column named '{column.Name}' already exists in the base table. You might want to specify EXCLUDING GENERATED or OVERWRITING GENERATED.");
                }
                columns[at] = column;
            }
            else if (column is MetadataColumn && existing is MetadataColumn)
            {
                if (strategies["METADATA"] != Strategy.Overwriting)
                {
                    throw new CatalogException(
                        $"A metadata column named '{column.Name}' already exists in the base table. You might want to specify EXCLUDING METADATA or OVERWRITING METADATA.");
                }
                columns[at] = column;
            }
            else
            {
                throw new CatalogException($"A column named '{column.Name}' already exists in the base table.");
            }
        }

        var watermark = MergeOne(source.Watermark, create.Watermark, strategies["WATERMARKS"], w =>
            $"There already exists a watermark spec for column '{string.Join('.', w.Column)}' in the base table. You might want to specify EXCLUDING WATERMARKS or OVERWRITING WATERMARKS.");
        var primaryKey = MergeOne(source.PrimaryKey, create.PrimaryKey, strategies["CONSTRAINTS"], _ =>
            "The base table already has a primary key. You might want to specify EXCLUDING CONSTRAINTS.");
        var partitionedBy = MergeOne(
            source.PartitionedBy.Count > 0 ? source.PartitionedBy : null,
            create.PartitionedBy.Count > 0 ? create.PartitionedBy : null,
            strategies["PARTITIONS"],
            _ => "The base table already has partitions defined. You might want to specify EXCLUDING PARTITIONS.");

        var options = new List<SqlProperty>();
        if (strategies["OPTIONS"] != Strategy.Excluding)
            options.AddRange(source.Options);
        foreach (var option in create.Options)
        {
            var at = options.FindIndex(o => o.Key == option.Key);
            if (at < 0)
            {
                options.Add(option);
                continue;
            }
            if (strategies["OPTIONS"] != Strategy.Overwriting)
            {
                throw new CatalogException(
                    $"There already exists an option ['{option.Key}' -> '{options[at].Value}']  in the base table. You might want to specify EXCLUDING OPTIONS or OVERWRITING OPTIONS.");
            }
            options[at] = option;
        }

        return create with
        {
            Columns = new SyntaxList<TableColumn>(columns),
            Watermark = watermark,
            PrimaryKey = primaryKey,
            PartitionedBy = partitionedBy ?? SyntaxList<string>.Empty,
            Options = new SyntaxList<SqlProperty>(options),
            Like = null,
        };
    }

    // One of a kind (watermark, key, partitioning): the new table's when the source is excluded or overwritten or has
    // none, the source's when the new table has none; both under INCLUDING is a clash.
    private static T? MergeOne<T>(T? fromSource, T? fromCreate, Strategy strategy, Func<T, string> clash)
        where T : class
    {
        if (strategy == Strategy.Excluding || fromSource is null)
            return fromCreate;
        if (fromCreate is null)
            return fromSource;
        if (strategy == Strategy.Overwriting)
            return fromCreate;
        throw new CatalogException(clash(fromSource));
    }

    private static Dictionary<string, Strategy> Strategies(LikeClause like)
    {
        var strategies = new Dictionary<string, Strategy>(StringComparer.Ordinal);
        foreach (var feature in Features)
            strategies[feature] = Strategy.Including;
        strategies["OPTIONS"] = Strategy.Overwriting;
        foreach (var option in like.Options)
        {
            var strategy = option.Strategy switch
            {
                "INCLUDING" => Strategy.Including,
                "EXCLUDING" => Strategy.Excluding,
                "OVERWRITING" => Strategy.Overwriting,
                _ => throw new CatalogException($"Unknown LIKE strategy '{option.Strategy}', at {option.Position}"),
            };
            if (option.Feature == "ALL")
            {
                if (strategy == Strategy.Overwriting)
                {
                    // ALL with OVERWRITING means overwriting what can be overwritten, including the rest.
                    foreach (var feature in Features)
                        strategies[feature] = feature is "CONSTRAINTS" or "PARTITIONS" ? Strategy.Including : Strategy.Overwriting;
                }
                else
                {
                    foreach (var feature in Features)
                        strategies[feature] = strategy;
                }
                continue;
            }
            if (!strategies.ContainsKey(option.Feature))
                throw new CatalogException($"Unknown LIKE feature '{option.Feature}', at {option.Position}");
            if (strategy == Strategy.Overwriting && option.Feature is "CONSTRAINTS" or "PARTITIONS")
                throw new CatalogException($"Illegal merging strategy 'OVERWRITING' for '{option.Feature}' option.");
            strategies[option.Feature] = strategy;
        }
        return strategies;
    }
}
