"""Background jobs: voter and district imports, auto-cuts and geocoding, run off the web request."""
