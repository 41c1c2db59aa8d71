namespace Eddy.Avro.Tests;

/// <summary>Schemas every Avro implementation accepts: the specification's examples and cases from Avro Java's TestSchema.</summary>
internal static class ValidSchemas
{
    public static readonly string[] All =
    [
        "\"null\"", "\"boolean\"", "\"int\"", "\"long\"", "\"float\"", "\"double\"", "\"bytes\"", "\"string\"",
        """{"type":"null"}""",
        """{"type":"int","logicalType":"date"}""",
        """{"type":"int","logicalType":"time-millis"}""",
        """{"type":"long","logicalType":"time-micros"}""",
        """{"type":"long","logicalType":"timestamp-micros"}""",
        """{"type":"long","logicalType":"local-timestamp-millis"}""",
        """{"type":"long","logicalType":"local-timestamp-micros"}""",
        """{"type":"string","logicalType":"uuid"}""",
        """{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}""",
        """{"type":"fixed","name":"Money","size":8,"logicalType":"decimal","precision":18,"scale":4}""",
        """{"type":"fixed","name":"Span","size":12,"logicalType":"duration"}""",
        """{"type":"string","logicalType":"not-a-known-one","extra":[1,{"a":null}]}""",
        """{"type":"array","items":"string"}""",
        """{"type":"map","values":{"type":"array","items":"long"}}""",
        """["null","string",{"type":"array","items":"int"},{"type":"map","values":"int"}]""",
        """{"type":"record","name":"Test","fields":[{"name":"f","type":"long"}]}""",
        """{"type":"error","name":"Test","fields":[{"name":"f","type":"long"}]}""",
        """{"type":"record","name":"Node","fields":[{"name":"label","type":"string"},{"name":"children","type":{"type":"array","items":"Node"}}]}""",
        """{"type":"record","name":"Lisp","fields":[{"name":"value","type":["null","string",{"type":"record","name":"Cons","fields":[{"name":"car","type":"Lisp"},{"name":"cdr","type":"Lisp"}]}]}]}""",
        """{"type":"record","name":"HandshakeRequest","namespace":"org.apache.avro.ipc","fields":[{"name":"clientHash","type":{"type":"fixed","name":"MD5","size":16}},{"name":"clientProtocol","type":["null","string"]},{"name":"serverHash","type":"MD5"},{"name":"meta","type":["null",{"type":"map","values":"bytes"}]}]}""",
        """{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"]}""",
        """{"type":"enum","name":"Status","symbols":["A","B","UNKNOWN"],"default":"UNKNOWN"}""",
        """{"type":"fixed","name":"md5","size":16}""",
        """{"type":"fixed","name":"empty","size":0}""",
        """{"type":"record","name":"Defaults","fields":[{"name":"n","type":"null","default":null},{"name":"b","type":"boolean","default":true},{"name":"i","type":"int","default":-2147483648},{"name":"l","type":"long","default":9223372036854775807},{"name":"f","type":"float","default":1.5},{"name":"d","type":"double","default":2},{"name":"by","type":"bytes","default":"\u00ff\u0000a"},{"name":"s","type":"string","default":"text"},{"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]},"default":"Y"},{"name":"fx","type":{"type":"fixed","name":"F2","size":2},"default":"ab"},{"name":"a","type":{"type":"array","items":"int"},"default":[1,2]},{"name":"m","type":{"type":"map","values":"string"},"default":{"k":"v"}},{"name":"u","type":["null","int"],"default":null},{"name":"u2","type":["int","null"],"default":3},{"name":"r","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"},{"name":"y","type":"int","default":7}]},"default":{"x":1}}]}""",
        """{"type":"record","name":"Orders","fields":[{"name":"a","type":"int","order":"descending"},{"name":"b","type":"int","order":"IGNORE"},{"name":"c","type":"int","order":"ascending"}]}""",
        """{"type":"record","name":"Aliased","namespace":"n","aliases":["Old","other.Older"],"fields":[{"name":"f","type":"int","aliases":["g","h"]}]}""",
        """{"type":"record","name":"Unicode","fields":[{"name":"naïve_ß","type":"string","doc":"ünïcödé names are letters"}]}""",
        """{"type":"record","name":"Empty","fields":[]}""",
    ];
}
