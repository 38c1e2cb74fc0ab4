"""Entry point for `make bench`: runs each benchmark and prints one table."""

import sys


def main() -> int:
    print("No benchmarks are implemented yet (see issue: Benchmarks).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
