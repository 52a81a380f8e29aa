"""Entry point of the ``shop`` command."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from shop import __version__
from shop.cli import export, reports


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shop", description="Run and inspect the shop.")
    parser.add_argument("--version", action="version", version=f"shop {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    for name, help_text in (("sales", "daily sales"), ("ledger", "payments ledger")):
        report = commands.add_parser(name, help=f"print the {help_text} of a day")
        report.add_argument("day", type=date.fromisoformat, nargs="?", default=date.today())

    dump = commands.add_parser("export", help="write a day's orders as JSON lines")
    dump.add_argument("day", type=date.fromisoformat)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        # Exempt in archrules.toml (clean-architecture, ignore): serving is where the CLI
        # and the web layer meet.
        from shop.web.app import serve

        serve(args.host, args.port)
    elif args.command == "sales":
        reports.print_sales(args.day)
    elif args.command == "ledger":
        reports.print_ledger(args.day)
    else:
        count = export.export_orders(args.day, sys.stdout)
        print(f"{count} orders exported", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
