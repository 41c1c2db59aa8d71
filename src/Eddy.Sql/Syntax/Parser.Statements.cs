namespace Eddy.Sql.Syntax;

/// <summary>Statements: DDL, INSERT, statement sets, EXPLAIN and the SQL client's statements.</summary>
internal sealed partial class Parser
{
    internal List<Statement> ParseScript()
    {
        var statements = new List<Statement>();
        while (true)
        {
            while (Current.IsSymbol(";"))
                Advance();
            if (AtEnd)
                return statements;
            statements.Add(ParseStatement());
            if (!AtEnd && !IsSymbol(";"))
            {
                Expecting("<EOF>");
                throw Unexpected();
            }
        }
    }

    internal Statement ParseSingleStatement()
    {
        var statement = ParseStatement();
        AcceptSymbol(";");
        ExpectEnd();
        return statement;
    }

    private Statement ParseStatement()
    {
        var position = Position;
        var statement = ParseStatementBody();
        return statement with { Position = position };
    }

    private Statement ParseStatementBody()
    {
        var position = Position;
        if (IsQueryStart())
            return new QueryStatement(ParseQuery());
        Expecting("\"SELECT\"");
        Expecting("\"WITH\"");
        Expecting("\"VALUES\"");
        if (IsWord("INSERT"))
            return ParseInsert();
        if (IsWord("CREATE"))
            return ParseCreate();
        if (IsWord("DROP"))
            return ParseDrop();
        if (IsWord("ALTER"))
            return ParseAlter();
        if (AcceptWord("SHOW"))
            return ParseShow();
        if (AcceptWord("DESCRIBE") || AcceptWord("DESC"))
        {
            AcceptWord("EXTENDED");
            return new DescribeStatement(ParseCompoundName());
        }
        if (AcceptWord("SET"))
        {
            if (Current.Kind != TokenKind.String)
                return new SetStatement(null);
            var propertyPosition = Position;
            var key = ParseString();
            ExpectSymbol("=");
            return new SetStatement(new SqlProperty(key, ParseString()) { Position = propertyPosition });
        }
        if (AcceptWord("RESET"))
            return new ResetStatement(Current.Kind == TokenKind.String ? Advance().Text : null);
        if (AcceptWord("USE"))
        {
            if (Current.IsWord("MODULES"))
                throw Unsupported(position, "USE MODULES");
            var catalog = Current.IsWord("CATALOG") && IsIdentifierToken(PeekAt(1));
            if (catalog)
                Advance();
            return new UseStatement(ParseCompoundName(), catalog);
        }
        if (AcceptWord("EXECUTE"))
        {
            if (IsWord("STATEMENT"))
                return ParseStatementSet(clientForm: false);
            if (IsWord("INSERT"))
                return ParseInsert();
            throw Unexpected();
        }
        if (IsWord("BEGIN"))
            return ParseStatementSet(clientForm: true);
        if (AcceptWord("EXPLAIN"))
            return ParseExplain();
        if (AcceptWords("ADD", "JAR"))
            return new JarStatement(JarAction.Add, ParseString());
        if (AcceptWords("REMOVE", "JAR"))
            return new JarStatement(JarAction.Remove, ParseString());
        foreach (var refused in (string[])["LOAD", "UNLOAD", "ANALYZE", "CALL", "DELETE", "UPDATE", "TRUNCATE", "ADD", "REMOVE"])
        {
            if (Current.IsWord(refused))
                throw Unsupported(position, refused.ToUpperInvariant() + " statements");
        }
        Expecting("\"INSERT\"");
        Expecting("\"CREATE\"");
        Expecting("\"DROP\"");
        Expecting("\"ALTER\"");
        Expecting("\"SHOW\"");
        Expecting("\"DESCRIBE\"");
        Expecting("\"SET\"");
        Expecting("\"RESET\"");
        Expecting("\"USE\"");
        Expecting("\"EXECUTE\"");
        Expecting("\"BEGIN\"");
        Expecting("\"EXPLAIN\"");
        Expecting("\"ADD\"");
        Expecting("\"REMOVE\"");
        throw Unexpected();
    }

    private InsertStatement ParseInsert()
    {
        ExpectWord("INSERT");
        var overwrite = AcceptWord("OVERWRITE");
        if (!overwrite)
            ExpectWord("INTO");
        var table = ParseCompoundName();
        var hints = ParseHints();
        var partition = SyntaxList<PartitionValue>.Empty;
        if (AcceptWord("PARTITION"))
        {
            ExpectSymbol("(");
            var values = new List<PartitionValue>();
            do
            {
                var position = Position;
                var column = ParseIdentifier();
                ExpectSymbol("=");
                values.Add(new PartitionValue(column, ParseExpression()) { Position = position });
            }
            while (AcceptSymbol(","));
            ExpectSymbol(")");
            partition = new(values);
        }
        var columns = SyntaxList<string>.Empty;
        if (Current.IsSymbol("(") && !IsQueryStart())
            columns = ParseParenthesizedIdentifiers();
        if (!IsQueryStart())
        {
            Expecting("\"SELECT\"");
            Expecting("\"VALUES\"");
            Expecting("\"WITH\"");
            throw Unexpected();
        }
        return new InsertStatement(table, overwrite, hints, partition, columns, ParseQuery());
    }

    /// <summary>
    /// <c>STATEMENT SET BEGIN insert; ... END</c> (after EXECUTE), or the SQL client's <c>BEGIN STATEMENT SET;
    /// insert; ... END</c>, whose inner semicolons separate the inserts.
    /// </summary>
    private StatementSetStatement ParseStatementSet(bool clientForm)
    {
        if (clientForm)
        {
            ExpectWord("BEGIN");
            ExpectWord("STATEMENT");
            ExpectWord("SET");
            ExpectSymbol(";");
        }
        else
        {
            ExpectWord("STATEMENT");
            ExpectWord("SET");
            ExpectWord("BEGIN");
        }
        var inserts = new List<InsertStatement>();
        while (true)
        {
            while (AcceptSymbol(";"))
            {
            }
            if (AcceptWord("END"))
                break;
            if (!IsWord("INSERT"))
            {
                Expecting("\"END\"");
                throw Unexpected();
            }
            var position = Position;
            inserts.Add(ParseInsert() with { Position = position });
            if (!IsSymbol(";"))
            {
                Expecting("\"END\"");
                if (!IsWord("END"))
                    throw Unexpected();
            }
        }
        if (inserts.Count == 0)
            throw SqlParseException.At(Position, "A statement set must contain at least one INSERT statement.");
        return new StatementSetStatement(new(inserts));
    }

    private ExplainStatement ParseExplain()
    {
        var details = new List<string>();
        if (Current.IsWord("PLAN") && PeekAt(1).IsWord("FOR"))
        {
            _index += 2;
        }
        else
        {
            while (true)
            {
                var matched = false;
                foreach (var detail in (string[])["ESTIMATED_COST", "CHANGELOG_MODE", "JSON_EXECUTION_PLAN", "PLAN_ADVICE"])
                {
                    if (AcceptWord(detail))
                    {
                        details.Add(detail);
                        matched = true;
                        break;
                    }
                }
                if (!matched || !AcceptSymbol(","))
                    break;
            }
        }
        var position = Position;
        Statement explained;
        if (IsWord("STATEMENT"))
            explained = ParseStatementSet(clientForm: false);
        else if (AcceptWord("EXECUTE"))
            explained = IsWord("STATEMENT") ? ParseStatementSet(clientForm: false) : ParseInsert();
        else if (IsWord("INSERT"))
            explained = ParseInsert();
        else if (IsQueryStart())
            explained = new QueryStatement(ParseQuery());
        else
            throw Unexpected();
        return new ExplainStatement(new(details), explained with { Position = position });
    }

    private Statement ParseCreate()
    {
        var position = ExpectWord("CREATE").Position;
        if (AcceptWords("OR", "REPLACE"))
            throw Unsupported(position, "CREATE OR REPLACE");
        var temporary = AcceptWord("TEMPORARY");
        var system = temporary && AcceptWord("SYSTEM");
        if (AcceptWord("TABLE"))
        {
            if (system)
                throw Unsupported(position, "CREATE TEMPORARY SYSTEM TABLE");
            return ParseCreateTable(temporary);
        }
        if (AcceptWord("VIEW"))
        {
            if (system)
                throw Unsupported(position, "CREATE TEMPORARY SYSTEM VIEW");
            var ifNotExists = ParseIfNotExists();
            var name = ParseCompoundName();
            var columns = Current.IsSymbol("(") ? ParseParenthesizedIdentifiers() : SyntaxList<string>.Empty;
            var comment = AcceptWord("COMMENT") ? ParseString() : null;
            ExpectWord("AS");
            return new CreateViewStatement(name, temporary, ifNotExists, columns, comment, ParseQuery());
        }
        if (AcceptWord("FUNCTION"))
        {
            var ifNotExists = ParseIfNotExists();
            var name = ParseCompoundName();
            ExpectWord("AS");
            var className = ParseString();
            string? language = null;
            if (AcceptWord("LANGUAGE"))
                language = ParseIdentifier().ToUpperInvariant();
            if (Current.IsWord("USING"))
                throw Unsupported(Position, "CREATE FUNCTION ... USING JAR");
            return new CreateFunctionStatement(name, temporary, system, ifNotExists, className, language);
        }
        foreach (var refused in (string[])["CATALOG", "DATABASE", "MODEL"])
        {
            if (Current.IsWord(refused))
                throw Unsupported(position, "CREATE " + refused);
        }
        Expecting("\"TEMPORARY\"");
        throw Unexpected();
    }

    private bool ParseIfNotExists()
    {
        if (!Current.IsWord("IF"))
            return false;
        Advance();
        ExpectWord("NOT");
        ExpectWord("EXISTS");
        return true;
    }

    private bool ParseIfExists()
    {
        if (!Current.IsWord("IF"))
            return false;
        Advance();
        ExpectWord("EXISTS");
        return true;
    }

    private CreateTableStatement ParseCreateTable(bool temporary)
    {
        var ifNotExists = ParseIfNotExists();
        var name = ParseCompoundName();
        var columns = new List<TableColumn>();
        WatermarkDefinition? watermark = null;
        PrimaryKeyConstraint? primaryKey = null;
        if (AcceptSymbol("("))
        {
            do
            {
                var position = Position;
                if (Current.IsWord("WATERMARK") && PeekAt(1).IsWord("FOR"))
                {
                    if (watermark is not null)
                        throw SqlParseException.At(position, "Multiple WATERMARK statements is not supported yet.");
                    _index += 2;
                    var column = ParseCompoundName();
                    ExpectWord("AS");
                    watermark = new WatermarkDefinition(column, ParseExpression()) { Position = position };
                }
                else if (Current.IsWord("CONSTRAINT") || Current.IsWord("PRIMARY") || Current.IsWord("UNIQUE"))
                {
                    var constraint = ParseConstraint(position, column: null);
                    if (primaryKey is not null)
                        throw SqlParseException.At(position, "Duplicate primary key definition.");
                    primaryKey = constraint;
                }
                else
                {
                    columns.Add(ParseColumn(position, ref primaryKey));
                }
            }
            while (AcceptSymbol(","));
            ExpectSymbol(")");
        }
        var comment = AcceptWord("COMMENT") ? ParseString() : null;
        var partitionedBy = SyntaxList<string>.Empty;
        if (AcceptWord("PARTITIONED"))
        {
            ExpectWord("BY");
            partitionedBy = ParseParenthesizedIdentifiers();
        }
        if (Current.IsWord("DISTRIBUTED"))
            throw Unsupported(Position, "DISTRIBUTED BY");
        var options = AcceptWord("WITH") ? ParseProperties() : SyntaxList<SqlProperty>.Empty;
        LikeClause? like = null;
        if (IsWord("LIKE"))
        {
            var position = Advance().Position;
            var source = ParseCompoundName();
            var likeOptions = new List<LikeOption>();
            if (AcceptSymbol("("))
            {
                do
                {
                    var optionPosition = Position;
                    string strategy;
                    if (IsWord("INCLUDING") || IsWord("EXCLUDING") || IsWord("OVERWRITING"))
                        strategy = Advance().Text.ToUpperInvariant();
                    else
                        throw Unexpected();
                    string? feature = null;
                    foreach (var candidate in (string[])["ALL", "CONSTRAINTS", "DISTRIBUTION", "GENERATED", "METADATA", "OPTIONS", "PARTITIONS", "WATERMARKS"])
                    {
                        if (AcceptWord(candidate))
                        {
                            feature = candidate;
                            break;
                        }
                    }
                    likeOptions.Add(new LikeOption(strategy, feature ?? throw Unexpected()) { Position = optionPosition });
                }
                while (!Current.IsSymbol(")") && !AtEnd);
                ExpectSymbol(")");
            }
            like = new LikeClause(source, new(likeOptions)) { Position = position };
        }
        Query? asQuery = null;
        if (AcceptWord("AS"))
            asQuery = ParseQuery();
        return new CreateTableStatement(name, temporary, ifNotExists, new(columns), watermark, primaryKey, comment, partitionedBy, options, like, asQuery);
    }

    private TableColumn ParseColumn(SourcePosition position, ref PrimaryKeyConstraint? primaryKey)
    {
        var name = ParseIdentifier();
        if (AcceptWord("AS"))
        {
            var expression = ParseExpression();
            return new ComputedColumn(name, expression, ParseComment()) { Position = position };
        }
        var type = ParseDataType();
        if (AcceptWord("METADATA"))
        {
            var key = AcceptWord("FROM") ? ParseString() : null;
            var isVirtual = AcceptWord("VIRTUAL");
            return new MetadataColumn(name, type, key, isVirtual, ParseComment()) { Position = position };
        }
        if (Current.IsWord("CONSTRAINT") || Current.IsWord("PRIMARY") || Current.IsWord("UNIQUE"))
        {
            var constraintPosition = Position;
            var constraint = ParseConstraint(constraintPosition, name);
            if (primaryKey is not null)
                throw SqlParseException.At(constraintPosition, "Duplicate primary key definition.");
            primaryKey = constraint;
        }
        return new PhysicalColumn(name, type, ParseComment()) { Position = position };
    }

    private string? ParseComment() => AcceptWord("COMMENT") ? ParseString() : null;

    /// <summary><c>[CONSTRAINT name] PRIMARY KEY [(columns)] [NOT] ENFORCED</c>; the columns are omitted inline on a column.</summary>
    private PrimaryKeyConstraint ParseConstraint(SourcePosition position, string? column)
    {
        var name = AcceptWord("CONSTRAINT") ? ParseIdentifier() : null;
        if (Current.IsWord("UNIQUE"))
            throw SqlParseException.At(Position, "UNIQUE constraint is not supported yet.");
        ExpectWord("PRIMARY");
        ExpectWord("KEY");
        var columns = column is null ? ParseParenthesizedIdentifiers() : [column];
        var enforced = true;
        if (AcceptWord("NOT"))
        {
            ExpectWord("ENFORCED");
            enforced = false;
        }
        else
        {
            AcceptWord("ENFORCED");
        }
        return new PrimaryKeyConstraint(name, columns, enforced) { Position = position };
    }

    private DropStatement ParseDrop()
    {
        var position = ExpectWord("DROP").Position;
        var temporary = AcceptWord("TEMPORARY");
        var system = temporary && AcceptWord("SYSTEM");
        ObjectKind kind;
        if (AcceptWord("TABLE"))
        {
            kind = ObjectKind.Table;
        }
        else if (AcceptWord("VIEW"))
        {
            kind = ObjectKind.View;
        }
        else if (AcceptWord("FUNCTION"))
        {
            kind = ObjectKind.Function;
        }
        else
        {
            foreach (var refused in (string[])["CATALOG", "DATABASE", "MODEL"])
            {
                if (Current.IsWord(refused))
                    throw Unsupported(position, "DROP " + refused);
            }
            throw Unexpected();
        }
        var ifExists = ParseIfExists();
        return new DropStatement(kind, ParseCompoundName(), temporary, system, ifExists);
    }

    private AlterStatement ParseAlter()
    {
        var position = ExpectWord("ALTER").Position;
        ObjectKind kind;
        if (AcceptWord("TABLE"))
        {
            kind = ObjectKind.Table;
        }
        else if (AcceptWord("VIEW"))
        {
            kind = ObjectKind.View;
        }
        else
        {
            foreach (var refused in (string[])["CATALOG", "DATABASE", "FUNCTION", "MODEL"])
            {
                if (Current.IsWord(refused))
                    throw Unsupported(position, "ALTER " + refused);
            }
            throw Unexpected();
        }
        var ifExists = ParseIfExists();
        var name = ParseCompoundName();
        if (AcceptWord("RENAME"))
        {
            ExpectWord("TO");
            return new AlterStatement(kind, name, ifExists, SyntaxList<SqlProperty>.Empty, SyntaxList<string>.Empty, ParseCompoundName());
        }
        if (kind == ObjectKind.Table && AcceptWord("SET"))
            return new AlterStatement(kind, name, ifExists, ParseProperties(), SyntaxList<string>.Empty, null);
        if (kind == ObjectKind.Table && AcceptWord("RESET"))
        {
            ExpectSymbol("(");
            var keys = new List<string> { ParseString() };
            while (AcceptSymbol(","))
                keys.Add(ParseString());
            ExpectSymbol(")");
            return new AlterStatement(kind, name, ifExists, SyntaxList<SqlProperty>.Empty, new(keys), null);
        }
        foreach (var refused in (string[])["ADD", "MODIFY", "DROP", "AS"])
        {
            if (Current.IsWord(refused))
                throw Unsupported(Position, $"ALTER {kind.ToString().ToUpperInvariant()} ... {refused}");
        }
        throw Unexpected();
    }

    private ShowStatement ParseShow()
    {
        if (AcceptWord("CREATE"))
        {
            if (AcceptWord("TABLE"))
                return new ShowStatement(ShowKind.CreateTable, ParseCompoundName());
            ExpectWord("VIEW");
            return new ShowStatement(ShowKind.CreateView, ParseCompoundName());
        }
        if (AcceptWord("CURRENT"))
        {
            if (AcceptWord("CATALOG"))
                return new ShowStatement(ShowKind.CurrentCatalog, null);
            ExpectWord("DATABASE");
            return new ShowStatement(ShowKind.CurrentDatabase, null);
        }
        if (AcceptWord("COLUMNS"))
        {
            if (!AcceptWord("FROM"))
                ExpectWord("IN");
            return new ShowStatement(ShowKind.Columns, ParseCompoundName());
        }
        if (AcceptWords("USER", "FUNCTIONS"))
            return new ShowStatement(ShowKind.UserFunctions, null);
        if (AcceptWord("JARS"))
            return new ShowStatement(ShowKind.Jars, null);
        foreach (var kind in (ShowKind[])[ShowKind.Catalogs, ShowKind.Databases, ShowKind.Tables, ShowKind.Views, ShowKind.Functions, ShowKind.Modules, ShowKind.Jobs])
        {
            if (AcceptWord(kind.ToString().ToUpperInvariant()))
            {
                if (Current.IsWord("FROM") || Current.IsWord("IN") || Current.IsWord("LIKE") || Current.IsWord("NOT"))
                    throw Unsupported(Position, "SHOW " + kind.ToString().ToUpperInvariant() + " with FROM, IN or LIKE");
                return new ShowStatement(kind, null);
            }
        }
        throw Unexpected();
    }
}
