namespace Eddy.Cli.Sql;

/// <summary>The statements the client answers itself, as Flink's SQL client does: they never reach the planner.</summary>
internal enum SqlClientCommand
{
    /// <summary>Not a client command: a SQL statement for the executor.</summary>
    None,

    /// <summary><c>HELP;</c>: list the commands and statements.</summary>
    Help,

    /// <summary><c>QUIT;</c> or <c>EXIT;</c>: leave the client.</summary>
    Quit,

    /// <summary><c>CLEAR;</c>: clear the terminal.</summary>
    Clear,
}

/// <summary>Recognizes the client's own commands in a statement's text (a keyword alone, any case).</summary>
internal static class SqlClientCommands
{
    public static SqlClientCommand Recognize(SqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var text = SqlText.WithoutLeadingComments(statement.Text).AsSpan().Trim();
        if (text.Equals("HELP", StringComparison.OrdinalIgnoreCase))
        {
            return SqlClientCommand.Help;
        }
        if (text.Equals("QUIT", StringComparison.OrdinalIgnoreCase) || text.Equals("EXIT", StringComparison.OrdinalIgnoreCase))
        {
            return SqlClientCommand.Quit;
        }
        return text.Equals("CLEAR", StringComparison.OrdinalIgnoreCase) ? SqlClientCommand.Clear : SqlClientCommand.None;
    }

    /// <summary>What <c>HELP;</c> prints: the client's commands, then the statements (Flink's list, in its words).</summary>
    public static string HelpText =>
        """
        The following commands are available:

        CLEAR                          Clears the current terminal.
        CREATE TABLE                   Create table under current catalog and database.
        DROP TABLE                     Drop table with optional catalog and database. Syntax: 'DROP TABLE [IF EXISTS] <name>;'
        CREATE VIEW                    Creates a virtual table from a SQL query. Syntax: 'CREATE VIEW <name> AS <query>;'
        DESCRIBE                       Describes the schema of a table with the given name.
        DROP VIEW                      Deletes a previously created virtual table. Syntax: 'DROP VIEW <name>;'
        EXPLAIN                        Describes the execution plan of a query or table with the given name.
        HELP                           Prints the available commands.
        INSERT INTO                    Inserts the results of a SQL SELECT query into a declared table sink.
        QUIT                           Quits the SQL client (also EXIT; or Ctrl-D at an empty prompt).
        RESET                          Resets a session configuration property. Syntax: 'RESET '<key>';'. Use 'RESET;' for reset all session properties.
        SELECT                         Executes a SQL SELECT query; Ctrl-C cancels it and returns to the prompt.
        SET                            Sets a session configuration property. Syntax: 'SET '<key>'='<value>';'. Use 'SET;' for listing all properties.
        SHOW FUNCTIONS                 Shows all user-defined and built-in functions or only user-defined functions. Syntax: 'SHOW [USER] FUNCTIONS;'
        SHOW TABLES                    Shows all registered tables.
        USE CATALOG                    Sets the current catalog. Syntax: 'USE CATALOG <name>;'
        USE                            Sets the current default database. Syntax: 'USE <name>;'
        EXECUTE STATEMENT SET          Runs several INSERT INTO statements as one job. Syntax: 'EXECUTE STATEMENT SET BEGIN <insert>; ... END;'

        Hint: Make sure that a statement ends with ';' for finalizing (multi-line) statements.
        Result modes ('SET 'sql-client.execution.result-mode' = '<mode>';' or --output): table, changelog, tableau, json.
        """;
}
