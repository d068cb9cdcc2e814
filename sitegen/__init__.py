"""sitegen: turn a WordPress news site into a fast, permanent, static mirror."""

__version__ = "0.1.0"
