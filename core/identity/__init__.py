"""Who people are, what they may do, and in which councils: accounts, roles, circles."""
