"""Configuration shared by every service of the example platform."""
