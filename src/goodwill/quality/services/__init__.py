"""Quality use-cases, one module per verb."""
