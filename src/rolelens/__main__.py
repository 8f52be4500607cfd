"""``python -m rolelens``: the same as the ``rolelens`` console script."""

from rolelens.cli import main

if __name__ == "__main__":
    main()
