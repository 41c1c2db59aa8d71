// Every test here runs in this process, with no broker, Kafka client or other process (the compaction driver works on
// a temporary log): the whole assembly is Category=Unit (see docs/development.md, Tests).
[assembly: AssemblyTrait("Category", "Unit")]
