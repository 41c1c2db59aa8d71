// Every test here drives Eddy's protocol client (and, for the transaction admin, Confluent.Kafka producers) against
// an in-process broker over sockets: the whole assembly is Category=Compat (see docs/development.md, Tests).
[assembly: AssemblyTrait("Category", "Compat")]
