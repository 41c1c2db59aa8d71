using System.Text;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class BadInputTests
{
    public sealed record Reading(string Sensor, double Value);

    private static JobTestDriver Drive(BadInputPolicy policy)
    {
        var job = new JobBuilder("sensors") { BadInput = policy };
        job.Source("readings", Serdes.String, Serdes.Json<Reading>())
            .MapValues(r => r.Value * 2, Serdes.Double)
            .To("doubled");
        return new JobTestDriver(job.Build());
    }

    [Fact]
    public void An_unreadable_record_goes_to_the_dead_letters_with_its_origin_and_the_job_goes_on()
    {
        using var driver = Drive(BadInputPolicy.DeadLetter);
        var raw = driver.Input<string, byte[]>("readings", Serdes.String, Serdes.Bytes);
        raw.Pipe("s1", Encoding.UTF8.GetBytes("""{"Sensor":"s1","Value":1.5}"""), 1);
        raw.Pipe("s1", Encoding.UTF8.GetBytes("not json"), 2);
        raw.Pipe("s1", Encoding.UTF8.GetBytes("""{"Sensor":"s1","Value":4}"""), 3);

        Assert.Equal([3.0, 8.0], driver.Output<string, double>("doubled").ReadValues());
        var dead = Assert.Single(driver.DeadLetters);
        Assert.Equal(("readings", 0, 1L, 2L), (dead.Topic, dead.Partition, dead.Offset, dead.Timestamp));
        Assert.Contains("JsonException", dead.Error);
        Assert.Equal("not json", Encoding.UTF8.GetString(dead.Value!));
    }

    [Fact]
    public void With_the_stop_policy_an_unreadable_record_stops_the_job_naming_where_it_is()
    {
        using var driver = Drive(BadInputPolicy.Stop);
        var raw = driver.Input<string, byte[]>("readings", Serdes.String, Serdes.Bytes);
        var error = Assert.Throws<BadInputException>(() => raw.Pipe("s1", Encoding.UTF8.GetBytes("{"), 7));
        Assert.Equal(("readings", 0, 0L), (error.Topic, error.Partition, error.Offset));
    }

    /// <summary>A serde whose dependency is down: every read fails transiently.</summary>
    private sealed class UnavailableSerde : ISerde<string>
    {
        public byte[] Serialize(string value) => Encoding.UTF8.GetBytes(value);

        public string Deserialize(ReadOnlySpan<byte> data) => throw new TransientSerdeException("registry down");
    }

    [Fact]
    public void A_transient_serde_failure_is_not_bad_input_it_propagates_instead_of_dead_lettering()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, new UnavailableSerde()).To("out");
        using var driver = new JobTestDriver(job.Build());
        var raw = driver.Input<string, byte[]>("in", Serdes.String, Serdes.Bytes);
        Assert.Throws<TransientSerdeException>(() => raw.Pipe("k", [1, 2], 1));
        Assert.Empty(driver.DeadLetters);
    }
}
