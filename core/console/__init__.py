"""The council console: pages for council officers and admins."""
