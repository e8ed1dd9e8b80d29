"""Write the JSON Schemas of unspin's outputs to docs/schema/ (generated from the Records).

    python scripts/gen_schemas.py          # write docs/schema/*.schema.json
    python scripts/gen_schemas.py --check  # exit 1 if the shipped files are out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from unspin.schema import schemas

OUT = Path(__file__).resolve().parent.parent / "docs" / "schema"


def render(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the files are up to date")
    args = ap.parse_args()
    stale = []
    for name, schema in schemas().items():
        path = OUT / name
        text = render(schema)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)} (run python scripts/gen_schemas.py)", file=sys.stderr)
        return 1
    print(f"{len(stale)} schema file(s) {'stale' if args.check else 'written'} in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
