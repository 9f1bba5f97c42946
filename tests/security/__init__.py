"""Security harnesses of issue 11: canary sweeps, hostile input, fuzzing, concurrency."""
