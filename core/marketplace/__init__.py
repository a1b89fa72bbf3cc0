"""The marketplace: provider stores, their catalogue of services, search and compare."""
