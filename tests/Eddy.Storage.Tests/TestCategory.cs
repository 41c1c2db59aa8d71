// Every test here runs in this process, with no third-party client or other process: the whole assembly is
// Category=Unit (see docs/development.md, Tests). Classes are not marked one by one, as xunit adds traits up.
[assembly: AssemblyTrait("Category", "Unit")]
