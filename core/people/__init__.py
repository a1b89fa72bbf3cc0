"""People with a personal budget: their details, and who manages their money."""
