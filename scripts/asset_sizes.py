"""Print each Lambda asset's zipped size; fail if a function plus its layer is too big.

    uv run python scripts/asset_sizes.py

Builds (or reuses from `.build/`) exactly the assets the CDK app deploys, zips each in memory
the way the CDK does (deflate), and checks every function against:
* our budget: function zip + layer zip <= 15 MB (fast cold starts, cheap deploys);
* Lambda's hard limit: function + layers unzipped <= 250 MB.
Exit status 1 if any function is over, 0 otherwise.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra import constants as c
from infra.packaging import BuiltAsset, build_function, build_layer

MB = 1024 * 1024


def sizes(asset: BuiltAsset) -> tuple[int, int, int]:
    """(files, unzipped bytes, zipped bytes) of an asset folder."""
    buffer = io.BytesIO()
    files = unzipped = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for dirpath, dirnames, filenames in os.walk(asset.path):
            dirnames.sort()
            for filename in sorted(filenames):
                path = Path(dirpath) / filename
                archive.write(path, path.relative_to(asset.path).as_posix())
                files += 1
                unzipped += path.stat().st_size
    return files, unzipped, len(buffer.getvalue())


def main() -> int:
    layer = build_layer()
    layer_files, layer_unzipped, layer_zipped = sizes(layer)
    rows = [("layer " + layer.name, layer_files, layer_unzipped, layer_zipped, "")]
    failures = []
    for spec in c.FUNCTION_SPECS:
        asset = build_function(spec)
        files, unzipped, zipped = sizes(asset)
        total_zipped = zipped + layer_zipped
        total_unzipped = unzipped + layer_unzipped
        verdict = "ok"
        if total_zipped > c.MAX_ZIPPED_FUNCTION_BYTES:
            verdict = f"OVER {c.MAX_ZIPPED_FUNCTION_BYTES / MB:.0f} MB zipped"
        elif total_unzipped > c.MAX_UNZIPPED_FUNCTION_BYTES:
            verdict = f"OVER {c.MAX_UNZIPPED_FUNCTION_BYTES / MB:.0f} MB unzipped"
        if verdict != "ok":
            failures.append(spec.key)
        if asset.missing:
            verdict += f" (missing: {', '.join(asset.missing)})"
        rows.append((spec.key, files, unzipped, zipped, f"{total_zipped / MB:6.2f} MB  {verdict}"))

    print(f"{'asset':<28}{'files':>7}{'unzipped':>12}{'zipped':>11}   with layer (zipped)")
    for name, files, unzipped, zipped, total in rows:
        print(f"{name:<28}{files:>7}{unzipped / MB:>9.2f} MB{zipped / MB:>8.2f} MB   {total}")
    if failures:
        print(f"\ntoo big: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
