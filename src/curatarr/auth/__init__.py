"""Users, password hashing, JWT, API keys, login rate limiting and the FastAPI auth dependency."""
