"""Carepurse core: the async application shared by every council tenant."""
