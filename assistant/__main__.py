"""`python -m assistant` is the `xuefa` command."""
from .cli import main

main()
