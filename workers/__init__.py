"""Background work: the Dramatiq broker, thin actors, the outbox relay and the scheduler."""
