// Every test here drives Confluent.Kafka (inside CompactedTopicLog, or directly to write what the log must read) against
// an in-process broker over sockets: the whole assembly is Category=Compat (see docs/development.md, Tests).
[assembly: AssemblyTrait("Category", "Compat")]
