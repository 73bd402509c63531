"""Shared test helpers (not fixtures): things several test modules need, such as a real API server."""
