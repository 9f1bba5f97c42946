"""The ``confwarden`` command line: a thin layer over the library.

The only package importing click and rich. Each command turns its arguments into one library
call and prints the result; no logic lives here that a library user lacks.
"""
