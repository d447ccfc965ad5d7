"""``python -m bench issuance [--cheques N]``: run one benchmark against a throw-away database."""

import argparse
import os
import sys

BENCHMARKS = ["issuance"]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("name", choices=BENCHMARKS)
    parser.add_argument("--cheques", type=int, default=100_000)
    parser.add_argument("--carnet-size", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptic.settings")
    import django

    django.setup()
    from bench import issuance

    return issuance.run(cheques=args.cheques, carnet_size=args.carnet_size)


if __name__ == "__main__":
    sys.exit(main())
