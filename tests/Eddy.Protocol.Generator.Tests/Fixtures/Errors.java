// Written for the generator's golden tests, in the shape of Kafka's Errors enum. GeneratedCodeTests compiles
// Eddy.Protocol's record batch validator against the ErrorCode made from this file, so the codes it names are here.
package example;

public enum Errors {
    UNKNOWN_SERVER_ERROR(-1, "Something went wrong on the server.",
            UnknownServerException::new),
    NONE(0, null, message -> null),
    CORRUPT_MESSAGE(2, "The bytes did not pass the \"check\".",
            CorruptRecordException::new),
    MESSAGE_TOO_LARGE(10, "Too large.", RecordTooLargeException::new),
    UNSUPPORTED_COMPRESSION_TYPE(76, "Unknown compression & so on.",
            UnsupportedCompressionTypeException::new),
    INVALID_RECORD(87, "This record was refused. " +
            "The message continues on a second line.",
            InvalidRecordException::new);

    private final short code;
}
