using System.Globalization;
using CsCheck;
using Eddy.Sql.Formats;

namespace Eddy.Sql.Tests.Formats;

/// <summary>The hand-written <c>yyyy-MM-dd</c> parser agrees with .NET's exact parse of the same pattern.</summary>
[Trait("Category", "Unit")]
public class TextFormsDateTests
{
    private static bool Oracle(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    [Theory]
    [InlineData("2026-12-07")]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("2024-02-29")]
    [InlineData("2023-02-29")]
    [InlineData("1900-02-29")]
    [InlineData("2000-02-29")]
    [InlineData("0000-01-01")]
    [InlineData("2026-13-01")]
    [InlineData("2026-00-10")]
    [InlineData("2026-04-31")]
    [InlineData("2026-4-30")]
    [InlineData("2026/04/30")]
    [InlineData("2026-04-3x")]
    [InlineData("+026-04-30")]
    [InlineData("2026-04-30 ")]
    [InlineData("")]
    public void A_date_parses_exactly_when_the_exact_pattern_parse_accepts_it_and_to_the_same_day(string text)
    {
        var expected = Oracle(text, out var expectedDate);

        Assert.Equal(expected, TextForms.TryParseDate(text, out var date));
        Assert.Equal(expectedDate, date);
    }

    [Fact]
    public void Random_ten_character_texts_of_digits_and_dashes_parse_as_the_exact_pattern_parse_does() =>
        Gen.Char["0123456789-"].Array[10].Select(c => new string(c))
            .Sample(text =>
            {
                var expected = Oracle(text, out var expectedDate);
                return TextForms.TryParseDate(text, out var date) == expected && date == expectedDate;
            });

    [Fact]
    public void Every_day_of_a_random_year_round_trips_through_its_text() =>
        Gen.Int[1, 9999].Select(Gen.Int[0, 365]).Sample((year, offset) =>
        {
            var day = new DateOnly(year, 1, 1).AddDays(Math.Min(offset, DateTime.IsLeapYear(year) ? 365 : 364));
            return TextForms.TryParseDate(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), out var parsed) && parsed == day;
        });
}
