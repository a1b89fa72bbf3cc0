"""Partner API clients: OAuth2 client credentials, scoped JWTs bound to one council."""
