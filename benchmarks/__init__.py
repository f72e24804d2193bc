"""Benchmarks of the app in headless Chromium; run from the repository root: python -m benchmarks.stream."""
