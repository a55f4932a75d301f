"""The goodwill command line."""
