"""``python -m isobpmn`` runs the command line."""

from isobpmn.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
