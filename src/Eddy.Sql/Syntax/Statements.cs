namespace Eddy.Sql.Syntax;

/// <summary>A statement of a script.</summary>
public abstract record Statement : SqlNode;

/// <summary>A query run as a statement (<c>SELECT ...</c>, <c>VALUES ...</c>, <c>WITH ...</c>).</summary>
/// <param name="Query">The query.</param>
public sealed record QueryStatement(Query Query) : Statement
{
    internal override void Write(SqlWriter writer) => writer.Node(Query);
}

/// <summary>A column of CREATE TABLE.</summary>
public abstract record TableColumn : SqlNode
{
    /// <summary>The column's name.</summary>
    public abstract string Name { get; }

    /// <summary>The column's COMMENT, if any.</summary>
    public abstract string? Comment { get; }

    private protected void WriteComment(SqlWriter writer)
    {
        if (Comment is not null)
            writer.Append(" COMMENT ").String(Comment);
    }
}

/// <summary>A physical column <c>name type [PRIMARY KEY NOT ENFORCED] [COMMENT '...']</c>.</summary>
/// <param name="Name">The name.</param>
/// <param name="Type">The type (nullability included).</param>
/// <param name="Comment">The comment, if any.</param>
public sealed record PhysicalColumn(string Name, TypeName Type, string? Comment) : TableColumn
{
    /// <inheritdoc/>
    public override string Name { get; } = Name;

    /// <inheritdoc/>
    public override string? Comment { get; } = Comment;

    internal override void Write(SqlWriter writer)
    {
        writer.Identifier(Name).Append(" ").Node(Type);
        WriteComment(writer);
    }
}

/// <summary>A computed column <c>name AS expr [COMMENT '...']</c>.</summary>
/// <param name="Name">The name.</param>
/// <param name="Expression">The expression.</param>
/// <param name="Comment">The comment, if any.</param>
public sealed record ComputedColumn(string Name, Expression Expression, string? Comment) : TableColumn
{
    /// <inheritdoc/>
    public override string Name { get; } = Name;

    /// <inheritdoc/>
    public override string? Comment { get; } = Comment;

    internal override void Write(SqlWriter writer)
    {
        writer.Identifier(Name).Append(" AS ").Node(Expression);
        WriteComment(writer);
    }
}

/// <summary>A metadata column <c>name type METADATA [FROM 'key'] [VIRTUAL] [COMMENT '...']</c>.</summary>
/// <param name="Name">The name.</param>
/// <param name="Type">The type.</param>
/// <param name="Key">The metadata key, when it differs from the name.</param>
/// <param name="IsVirtual">Whether it is read-only (VIRTUAL: not written by sinks).</param>
/// <param name="Comment">The comment, if any.</param>
public sealed record MetadataColumn(string Name, TypeName Type, string? Key, bool IsVirtual, string? Comment) : TableColumn
{
    /// <inheritdoc/>
    public override string Name { get; } = Name;

    /// <inheritdoc/>
    public override string? Comment { get; } = Comment;

    internal override void Write(SqlWriter writer)
    {
        writer.Identifier(Name).Append(" ").Node(Type).Append(" METADATA");
        if (Key is not null)
            writer.Append(" FROM ").String(Key);
        if (IsVirtual)
            writer.Append(" VIRTUAL");
        WriteComment(writer);
    }
}

/// <summary><c>WATERMARK FOR column AS expr</c>.</summary>
/// <param name="Column">The rowtime column (parts of a nested field).</param>
/// <param name="Expression">The watermark strategy.</param>
public sealed record WatermarkDefinition(SyntaxList<string> Column, Expression Expression) : SqlNode
{
    internal override void Write(SqlWriter writer) => writer.Append("WATERMARK FOR ").Name(Column).Append(" AS ").Node(Expression);
}

/// <summary><c>[CONSTRAINT name] PRIMARY KEY (columns) [NOT] ENFORCED</c> (inline on a column or as a table constraint).</summary>
/// <param name="Name">The constraint's name, if given.</param>
/// <param name="Columns">The key columns.</param>
/// <param name="Enforced">Whether ENFORCED was written, or nothing (Flink refuses both: it only accepts NOT ENFORCED).</param>
public sealed record PrimaryKeyConstraint(string? Name, SyntaxList<string> Columns, bool Enforced) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        if (Name is not null)
            writer.Append("CONSTRAINT ").Identifier(Name).Append(" ");
        writer.Append("PRIMARY KEY (").Identifiers(Columns).Append(Enforced ? ") ENFORCED" : ") NOT ENFORCED");
    }
}

/// <summary>A <c>LIKE</c> option: <c>INCLUDING|EXCLUDING|OVERWRITING ALL|CONSTRAINTS|GENERATED|METADATA|OPTIONS|PARTITIONS|WATERMARKS</c>.</summary>
/// <param name="Strategy">INCLUDING, EXCLUDING or OVERWRITING (upper case).</param>
/// <param name="Feature">The feature (upper case).</param>
public sealed record LikeOption(string Strategy, string Feature) : SqlNode
{
    internal override void Write(SqlWriter writer) => writer.Append(Strategy).Append(" ").Append(Feature);
}

/// <summary><c>LIKE source [(options)]</c> of CREATE TABLE.</summary>
/// <param name="Source">The source table's name parts.</param>
/// <param name="Options">The merging options.</param>
public sealed record LikeClause(SyntaxList<string> Source, SyntaxList<LikeOption> Options) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("LIKE ").Name(Source);
        if (Options.Count > 0)
            writer.Append(" (").List(Options, " ").Append(")");
    }
}

/// <summary>
/// <c>CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (columns, watermark, primary key) [COMMENT '...']
/// [PARTITIONED BY (...)] WITH (...) [LIKE ...] [AS query]</c>.
/// </summary>
/// <param name="Name">The name parts.</param>
/// <param name="Temporary">Whether TEMPORARY was written.</param>
/// <param name="IfNotExists">Whether IF NOT EXISTS was written.</param>
/// <param name="Columns">The columns.</param>
/// <param name="Watermark">The watermark, if any.</param>
/// <param name="PrimaryKey">The primary key, if any.</param>
/// <param name="Comment">The table's comment, if any.</param>
/// <param name="PartitionedBy">The partition columns.</param>
/// <param name="Options">The WITH options, in order.</param>
/// <param name="Like">The LIKE clause, if any.</param>
/// <param name="AsQuery">The query of CREATE TABLE AS SELECT, if any.</param>
public sealed record CreateTableStatement(
    SyntaxList<string> Name, bool Temporary, bool IfNotExists, SyntaxList<TableColumn> Columns, WatermarkDefinition? Watermark,
    PrimaryKeyConstraint? PrimaryKey, string? Comment, SyntaxList<string> PartitionedBy, SyntaxList<SqlProperty> Options,
    LikeClause? Like, Query? AsQuery) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(Temporary ? "CREATE TEMPORARY TABLE " : "CREATE TABLE ").Append(IfNotExists ? "IF NOT EXISTS " : "").Name(Name);
        if (Columns.Count > 0 || Watermark is not null || PrimaryKey is not null)
        {
            writer.Append(" (").List(Columns);
            var comma = Columns.Count > 0;
            if (Watermark is not null)
            {
                writer.Append(comma ? ", " : "").Node(Watermark);
                comma = true;
            }
            if (PrimaryKey is not null)
                writer.Append(comma ? ", " : "").Node(PrimaryKey);
            writer.Append(")");
        }
        if (Comment is not null)
            writer.Append(" COMMENT ").String(Comment);
        if (PartitionedBy.Count > 0)
            writer.Append(" PARTITIONED BY (").Identifiers(PartitionedBy).Append(")");
        if (Options.Count > 0)
            writer.Append(" WITH ").KeyValues(Options);
        if (Like is not null)
            writer.Append(" ").Node(Like);
        if (AsQuery is not null)
            writer.Append(" AS ").Node(AsQuery);
    }
}

/// <summary><c>CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(columns)] [COMMENT '...'] AS query</c>.</summary>
/// <param name="Name">The name parts.</param>
/// <param name="Temporary">Whether TEMPORARY was written.</param>
/// <param name="IfNotExists">Whether IF NOT EXISTS was written.</param>
/// <param name="Columns">The column names, if written.</param>
/// <param name="Comment">The comment, if any.</param>
/// <param name="Query">The query.</param>
public sealed record CreateViewStatement(SyntaxList<string> Name, bool Temporary, bool IfNotExists, SyntaxList<string> Columns, string? Comment, Query Query) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(Temporary ? "CREATE TEMPORARY VIEW " : "CREATE VIEW ").Append(IfNotExists ? "IF NOT EXISTS " : "").Name(Name);
        if (Columns.Count > 0)
            writer.Append(" (").Identifiers(Columns).Append(")");
        if (Comment is not null)
            writer.Append(" COMMENT ").String(Comment);
        writer.Append(" AS ").Node(Query);
    }
}

/// <summary><c>CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'Class.Name' [LANGUAGE JAVA|SCALA|PYTHON|...]</c>.</summary>
/// <param name="Name">The name parts.</param>
/// <param name="Temporary">Whether TEMPORARY was written.</param>
/// <param name="System">Whether SYSTEM was written (a temporary system function, unqualified).</param>
/// <param name="IfNotExists">Whether IF NOT EXISTS was written.</param>
/// <param name="ClassName">The implementing class (for Eddy, a C# type's full name).</param>
/// <param name="Language">The LANGUAGE, upper case, if written.</param>
public sealed record CreateFunctionStatement(SyntaxList<string> Name, bool Temporary, bool System, bool IfNotExists, string ClassName, string? Language) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("CREATE ").Append(Temporary ? System ? "TEMPORARY SYSTEM " : "TEMPORARY " : "").Append("FUNCTION ")
            .Append(IfNotExists ? "IF NOT EXISTS " : "").Name(Name).Append(" AS ").String(ClassName);
        if (Language is not null)
            writer.Append(" LANGUAGE ").Append(Language);
    }
}

/// <summary>The kinds of catalog objects DROP, SHOW CREATE and ALTER name.</summary>
public enum ObjectKind
{
    /// <summary>TABLE.</summary>
    Table,
    /// <summary>VIEW.</summary>
    View,
    /// <summary>FUNCTION.</summary>
    Function,
}

/// <summary><c>DROP [TEMPORARY [SYSTEM]] TABLE|VIEW|FUNCTION [IF EXISTS] name</c>.</summary>
/// <param name="Kind">What is dropped.</param>
/// <param name="Name">The name parts.</param>
/// <param name="Temporary">Whether TEMPORARY was written.</param>
/// <param name="System">Whether SYSTEM was written (functions).</param>
/// <param name="IfExists">Whether IF EXISTS was written.</param>
public sealed record DropStatement(ObjectKind Kind, SyntaxList<string> Name, bool Temporary, bool System, bool IfExists) : Statement
{
    internal override void Write(SqlWriter writer) =>
        writer.Append("DROP ").Append(Temporary ? System ? "TEMPORARY SYSTEM " : "TEMPORARY " : "").Append(Kind.ToString().ToUpperInvariant())
            .Append(IfExists ? " IF EXISTS " : " ").Name(Name);
}

/// <summary><c>ALTER TABLE name SET (...)</c>, <c>ALTER TABLE name RESET (keys)</c> or <c>ALTER TABLE|VIEW name RENAME TO new</c>.</summary>
/// <param name="Kind">TABLE or VIEW.</param>
/// <param name="Name">The name parts.</param>
/// <param name="IfExists">Whether IF EXISTS was written.</param>
/// <param name="SetOptions">The options set, for SET.</param>
/// <param name="ResetKeys">The keys reset, for RESET.</param>
/// <param name="RenameTo">The new name, for RENAME TO.</param>
public sealed record AlterStatement(ObjectKind Kind, SyntaxList<string> Name, bool IfExists, SyntaxList<SqlProperty> SetOptions, SyntaxList<string> ResetKeys, SyntaxList<string>? RenameTo) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("ALTER ").Append(Kind.ToString().ToUpperInvariant()).Append(IfExists ? " IF EXISTS " : " ").Name(Name);
        if (RenameTo is not null)
        {
            writer.Append(" RENAME TO ").Name(RenameTo);
        }
        else if (ResetKeys.Count > 0)
        {
            writer.Append(" RESET (");
            for (var i = 0; i < ResetKeys.Count; i++)
                writer.Append(i > 0 ? ", " : "").String(ResetKeys[i]);
            writer.Append(")");
        }
        else
        {
            writer.Append(" SET ").KeyValues(SetOptions);
        }
    }
}

/// <summary>What SHOW lists.</summary>
public enum ShowKind
{
    /// <summary>SHOW CATALOGS.</summary>
    Catalogs,
    /// <summary>SHOW DATABASES.</summary>
    Databases,
    /// <summary>SHOW TABLES.</summary>
    Tables,
    /// <summary>SHOW VIEWS.</summary>
    Views,
    /// <summary>SHOW FUNCTIONS.</summary>
    Functions,
    /// <summary>SHOW USER FUNCTIONS.</summary>
    UserFunctions,
    /// <summary>SHOW MODULES.</summary>
    Modules,
    /// <summary>SHOW JOBS.</summary>
    Jobs,
    /// <summary>SHOW CURRENT CATALOG.</summary>
    CurrentCatalog,
    /// <summary>SHOW CURRENT DATABASE.</summary>
    CurrentDatabase,
    /// <summary>SHOW COLUMNS FROM name.</summary>
    Columns,
    /// <summary>SHOW CREATE TABLE name.</summary>
    CreateTable,
    /// <summary>SHOW CREATE VIEW name.</summary>
    CreateView,
    /// <summary>SHOW JARS: the assemblies the session added with ADD JAR.</summary>
    Jars,
}

/// <summary><c>SHOW TABLES</c>, <c>SHOW CREATE TABLE name</c>, ...</summary>
/// <param name="Kind">What is shown.</param>
/// <param name="Name">The object's name parts (SHOW CREATE, SHOW COLUMNS).</param>
public sealed record ShowStatement(ShowKind Kind, SyntaxList<string>? Name) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(Kind switch
        {
            ShowKind.UserFunctions => "SHOW USER FUNCTIONS",
            ShowKind.CurrentCatalog => "SHOW CURRENT CATALOG",
            ShowKind.CurrentDatabase => "SHOW CURRENT DATABASE",
            ShowKind.Columns => "SHOW COLUMNS FROM ",
            ShowKind.CreateTable => "SHOW CREATE TABLE ",
            ShowKind.CreateView => "SHOW CREATE VIEW ",
            _ => "SHOW " + Kind.ToString().ToUpperInvariant(),
        });
        if (Name is not null)
            writer.Name(Name);
    }
}

/// <summary><c>DESCRIBE name</c> or <c>DESC name</c>.</summary>
/// <param name="Name">The table's name parts.</param>
public sealed record DescribeStatement(SyntaxList<string> Name) : Statement
{
    internal override void Write(SqlWriter writer) => writer.Append("DESCRIBE ").Name(Name);
}

/// <summary><c>SET 'key' = 'value'</c>, or <c>SET</c> (lists the session's options).</summary>
/// <param name="Property">The option set; null for a bare SET.</param>
public sealed record SetStatement(SqlProperty? Property) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("SET");
        if (Property is not null)
            writer.Append(" ").Node(Property);
    }
}

/// <summary><c>RESET 'key'</c>, or <c>RESET</c> (all options).</summary>
/// <param name="Key">The key; null for all.</param>
public sealed record ResetStatement(string? Key) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("RESET");
        if (Key is not null)
            writer.Append(" ").String(Key);
    }
}

/// <summary><c>USE [CATALOG] name</c>.</summary>
/// <param name="Name">The database (possibly <c>catalog.db</c>) or catalog name parts.</param>
/// <param name="Catalog">Whether USE CATALOG was written.</param>
public sealed record UseStatement(SyntaxList<string> Name, bool Catalog) : Statement
{
    internal override void Write(SqlWriter writer) => writer.Append(Catalog ? "USE CATALOG " : "USE ").Name(Name);
}

/// <summary>A static partition value of INSERT: <c>PARTITION (p = 'x')</c>.</summary>
/// <param name="Column">The partition column.</param>
/// <param name="Value">The value (a literal).</param>
public sealed record PartitionValue(string Column, Expression Value) : SqlNode
{
    internal override void Write(SqlWriter writer) => writer.Identifier(Column).Append(" = ").Node(Value);
}

/// <summary><c>INSERT INTO|OVERWRITE name [hints] [PARTITION (...)] [(columns)] query</c> (also <c>EXECUTE INSERT ...</c>).</summary>
/// <param name="Table">The target's name parts.</param>
/// <param name="Overwrite">Whether OVERWRITE was written.</param>
/// <param name="Hints">The target's hints.</param>
/// <param name="Partition">The static partition values.</param>
/// <param name="Columns">The target columns, if written.</param>
/// <param name="Query">The query.</param>
public sealed record InsertStatement(SyntaxList<string> Table, bool Overwrite, SyntaxList<Hint> Hints, SyntaxList<PartitionValue> Partition, SyntaxList<string> Columns, Query Query) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(Overwrite ? "INSERT OVERWRITE " : "INSERT INTO ").Name(Table);
        Hint.WriteAll(writer, Hints);
        if (Partition.Count > 0)
            writer.Append(" PARTITION (").List(Partition).Append(")");
        if (Columns.Count > 0)
            writer.Append(" (").Identifiers(Columns).Append(")");
        writer.Append(" ").Node(Query);
    }
}

/// <summary>
/// A statement set: <c>EXECUTE STATEMENT SET BEGIN insert; ... END</c>, or the SQL client's
/// <c>BEGIN STATEMENT SET; insert; ... END;</c>: several INSERTs run as one job.
/// </summary>
/// <param name="Inserts">The inserts.</param>
public sealed record StatementSetStatement(SyntaxList<InsertStatement> Inserts) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("EXECUTE STATEMENT SET BEGIN ");
        foreach (var insert in Inserts)
            writer.Node(insert).Append("; ");
        writer.Append("END");
    }
}

/// <summary><c>EXPLAIN [PLAN FOR | detail, ...] statement</c>.</summary>
/// <param name="Details">The details asked for (ESTIMATED_COST, CHANGELOG_MODE, JSON_EXECUTION_PLAN, PLAN_ADVICE), upper case.</param>
/// <param name="Statement">The explained query, INSERT or statement set.</param>
public sealed record ExplainStatement(SyntaxList<string> Details, Statement Statement) : Statement
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("EXPLAIN ");
        for (var i = 0; i < Details.Count; i++)
            writer.Append(Details[i]).Append(i < Details.Count - 1 ? ", " : " ");
        writer.Node(Statement);
    }
}

/// <summary>What a JAR statement does.</summary>
public enum JarAction
{
    /// <summary>ADD JAR: load the assembly.</summary>
    Add,
    /// <summary>REMOVE JAR: unload it (refused: .NET cannot unload an assembly of the default context).</summary>
    Remove,
}

/// <summary>
/// The SQL client's <c>ADD JAR 'path'</c> or <c>REMOVE JAR 'path'</c>; in Eddy the path names a .NET assembly (a .dll)
/// whose user-defined functions <c>CREATE FUNCTION</c> can then name.
/// </summary>
/// <param name="Action">ADD or REMOVE.</param>
/// <param name="Path">The file's path, as written.</param>
public sealed record JarStatement(JarAction Action, string Path) : Statement
{
    internal override void Write(SqlWriter writer) => writer.Append(Action == JarAction.Add ? "ADD JAR " : "REMOVE JAR ").String(Path);
}
