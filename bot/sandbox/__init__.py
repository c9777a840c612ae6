"""Not production: the local Bot API server (tests, the sandbox, benchmarks) and the terminal sandbox."""
