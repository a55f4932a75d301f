"""`python -m goodwill.cli` runs the command line."""

from goodwill.cli.main import app

if __name__ == "__main__":
    app()
