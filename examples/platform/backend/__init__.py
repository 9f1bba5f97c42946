"""The example API backend: starts through confwarden's bootstrap() and nothing else."""
