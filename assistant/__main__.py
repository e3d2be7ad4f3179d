"""`python -m assistant` is the `xuefa` command."""
from assistant.cli.main import main

main()
