// Parsing, typing, functions, formats and plans run in memory (the engine's test kit, no broker): the whole
// assembly is Category=Unit (see docs/development.md, Tests).
[assembly: AssemblyTrait("Category", "Unit")]
