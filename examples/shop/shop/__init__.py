"""The shop service: a FastAPI app configured by confwarden."""
