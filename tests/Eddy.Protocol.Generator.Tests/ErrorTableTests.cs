namespace Eddy.Protocol.Generator.Tests;

public class ErrorTableTests
{
    [Fact]
    public void Errors_java_and_the_tsv_made_from_it_give_the_same_rows()
    {
        var fromJava = ErrorTable.Load(Path.Combine(Fixtures.FixtureDir, "Errors.java"));
        var fromTsv = ErrorTable.Load(Path.Combine(Fixtures.FixtureDir, "errors.tsv"));
        Assert.Equal(fromTsv, fromJava);
    }

    [Fact]
    public void Java_messages_split_over_lines_are_joined_and_null_messages_are_empty()
    {
        var rows = ErrorTable.Load(Path.Combine(Fixtures.FixtureDir, "Errors.java"));
        Assert.Equal([-1, 0, 2, 10, 76, 87], rows.Select(r => (int)r.Code));
        Assert.Equal("", rows.Single(r => r.Name == "NONE").Message);
        Assert.Equal("The bytes did not pass the \"check\".", rows.Single(r => r.Code == 2).Message);
        Assert.Equal("This record was refused. The message continues on a second line.", rows.Single(r => r.Name == "INVALID_RECORD").Message);
    }

    [Fact]
    public void A_java_file_without_the_errors_enum_is_refused() =>
        Assert.Throws<InvalidDataException>(() => ErrorTable.FromJava("public enum Other { A(1, null, x -> null); }"));
}
