// Every test here kills real processes with kill -9: the whole assembly is
// Category=Chaos (see docs/development.md, Tests). Classes are not marked one by one, as xunit adds traits up.
[assembly: AssemblyTrait("Category", "Chaos")]
