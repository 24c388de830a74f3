"""Factories shared by the tests. Each app's factories live in their own module."""
