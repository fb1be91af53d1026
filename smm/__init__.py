"""smm: social-media marketing dashboard on DuckDB."""

__version__ = "0.1.0"
