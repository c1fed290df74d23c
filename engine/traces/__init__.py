"""Trace data: decisions people made outside the app (docs TRACES.md).

`format` reads and writes the CSV, `replay` validates it through the engine,
`generate` makes traces with the simulator, `calibration` fits durations to
real logs, `trainee` learns how a person decides, and `commands` gives the
`kitchen-coach traces` command group."""
