"""The read-only JSON API (django-ninja): every plan the caller may read, through the apps' selectors.

It reads from every app, so it sits above them all (the import-linter contract in pyproject.toml).
"""
