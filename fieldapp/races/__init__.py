"""Organizations, races, districts and scripts."""
