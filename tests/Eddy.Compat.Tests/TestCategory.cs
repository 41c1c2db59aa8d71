// Every test here drives a real Kafka or schema-registry client (Confluent.Kafka / librdkafka, Confluent.SchemaRegistry),
// directly or inside Eddy's own code, against a broker or registry over sockets: the whole assembly is
// Category=Compat (see docs/development.md, Tests). Classes are not marked one by one, as xunit adds traits up.
[assembly: AssemblyTrait("Category", "Compat")]
