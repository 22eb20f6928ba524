"""Door knocks: logging, offline sync, outcomes; the volunteer's phone pages."""
