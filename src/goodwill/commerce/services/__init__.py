"""Commerce services: imports, orders and reviews, loyalty reports."""
