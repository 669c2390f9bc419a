"""Members, structures, territories, invitations, login, member directory, admin."""
