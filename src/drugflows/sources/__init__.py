"""One module per publisher: each turns the raw public files into processed tables."""


class RawLayoutError(ValueError):
    """A raw file whose layout or values the loader does not accept; the message names the file."""
