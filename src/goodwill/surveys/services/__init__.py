"""Survey services: they flush, the boundary commits."""
