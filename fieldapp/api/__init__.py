"""/api/v1: JSON over the same services the pages use; Bearer tokens or session + CSRF."""
