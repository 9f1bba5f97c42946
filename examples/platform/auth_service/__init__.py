"""The example auth service: starts through confwarden's bootstrap() and nothing else."""
