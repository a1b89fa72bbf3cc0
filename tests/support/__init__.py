"""Test support: settings for the test run, database lifecycle, app and servers."""
