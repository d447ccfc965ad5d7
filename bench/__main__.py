"""``python -m bench issuance|redemption [options]``: run one benchmark against a throw-away database."""

import argparse
import os
import sys

BENCHMARKS = ["issuance", "redemption", "settlement"]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("name", choices=BENCHMARKS)
    parser.add_argument("--cheques", type=int, default=None, help="issuance: 100 000; redemption: 3 000")
    parser.add_argument("--carnet-size", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8, help="redemption: concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=4, help="redemption: gunicorn workers")
    parser.add_argument("--redemptions", type=int, default=1_000_000, help="settlement: redemptions to settle")
    parser.add_argument("--structures", type=int, default=5_000, help="settlement: structures paid")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptic.settings")
    import django

    django.setup()
    if args.name == "issuance":
        from bench import issuance

        return issuance.run(cheques=args.cheques or 100_000, carnet_size=args.carnet_size)
    if args.name == "settlement":
        from bench import settlement

        return settlement.run(redemptions=args.redemptions, structures=args.structures)
    from bench import redemption

    return redemption.run(cheques=args.cheques or 3_000, clients=args.clients, workers=args.workers)


if __name__ == "__main__":
    sys.exit(main())
