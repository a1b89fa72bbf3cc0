"""HTML side of the app: site dispatch by host, pages, errors, health checks."""
