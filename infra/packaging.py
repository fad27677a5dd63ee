"""Build Lambda assets without Docker, cached under `.build/` by a hash of their inputs.

* The dependency layer holds the third-party runtime dependencies from `uv.lock`
  (`[project] dependencies`, minus boto3/botocore which the Lambda runtime provides), installed
  as manylinux aarch64 wheels for the runtime's Python version:
  `uv pip install --python-platform aarch64-manylinux2014 --python-version 3.12
  --only-binary :all: --no-deps --target <dir>/python -r requirements.txt`.
  `--no-deps` is safe because the exported list is the fully resolved, pinned closure.
* Each function asset holds only its handler file(s), at their repository paths, plus the
  `wardfund` package (shared/wardfund).

A cached build is reused when its input hash matches, so repeated synths do not reinstall.
Builds go to a temporary folder and are renamed into place, so parallel synths (pytest-xdist,
two terminals) never see a half-built folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from infra import constants as c

# Bump when the build recipe changes in a way the input hash cannot see.
_RECIPE_VERSION = "2"
_KEEP_CACHED = 3
_IGNORED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_IGNORED_SUFFIXES = {".pyc", ".pyo"}


class PackagingError(RuntimeError):
    """The layer or a function asset could not be built."""


@dataclass(frozen=True)
class BuiltAsset:
    name: str
    path: Path  # folder to hand to `lambda.Code.from_asset`
    input_hash: str  # also used as the CDK asset hash, so CDK skips fingerprinting
    missing: tuple[str, ...] = ()  # handler files that do not exist yet


def _uv() -> str:
    uv = os.environ.get("UV") or shutil.which("uv")
    if not uv:
        raise PackagingError("`uv` is needed to build the Lambda layer; install it or use uv run")
    return uv


def layer_requirements() -> str:
    """The pinned runtime requirements from uv.lock, without what Lambda already provides."""
    prune = [arg for name in c.RUNTIME_PROVIDED_PACKAGES for arg in ("--prune", name)]
    cmd = [
        _uv(),
        "export",
        "--frozen",
        "--no-default-groups",  # not the CLI's group nor dev: `[project] dependencies` only
        "--no-emit-project",
        "--no-hashes",
        "--no-header",
        "--no-annotate",
        *prune,
    ]
    result = subprocess.run(  # noqa: S603 - fixed argument list
        cmd, cwd=c.REPO_ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise PackagingError(f"`uv export` failed:\n{result.stderr}")
    lines = [line.strip() for line in result.stdout.splitlines()]
    reqs = sorted(line for line in lines if line and not line.startswith(("#", "-")))
    leaked = [r for r in reqs if _req_name(r) in c.RUNTIME_PROVIDED_PACKAGES]
    if leaked:
        raise PackagingError(f"runtime-provided packages leaked into the layer: {leaked}")
    return "\n".join(reqs) + "\n"


def _req_name(requirement: str) -> str:
    for sep in ("==", ">=", "<=", "~=", "!=", ";", "[", " "):
        requirement = requirement.split(sep, 1)[0]
    return requirement.strip().lower().replace("_", "-")


def build_layer(requirements: str | None = None) -> BuiltAsset:
    """Install the layer's wheels into `.build/layer/<hash>/python` (once per input hash)."""
    requirements = layer_requirements() if requirements is None else requirements
    digest = _hash_strings(
        ["layer", _RECIPE_VERSION, c.PYTHON_VERSION, c.PIP_PLATFORM, requirements]
    )
    root = c.BUILD_DIR / "layer"
    target = root / digest
    if not (target / "python").is_dir():
        with _staging(root) as staging:
            (staging / "requirements.txt").write_text(requirements)
            cmd = [
                _uv(),
                "pip",
                "install",
                "--python-platform",
                c.PIP_PLATFORM,
                "--python-version",
                c.PYTHON_VERSION,
                "--only-binary",
                ":all:",
                "--no-deps",
                "--quiet",
                "--target",
                str(staging / "python"),
                "-r",
                str(staging / "requirements.txt"),
            ]
            result = subprocess.run(  # noqa: S603 - fixed argument list
                cmd, cwd=c.REPO_ROOT, capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                raise PackagingError(f"layer install failed:\n{result.stderr}")
            (staging / "requirements.txt").unlink()
            _strip_bytecode(staging)
            # Console scripts point at this machine's interpreter; useless in Lambda.
            shutil.rmtree(staging / "python" / "bin", ignore_errors=True)
            _publish(staging, target)
        _prune_old(root, keep=target)
    return BuiltAsset(name="DependenciesLayer", path=target, input_hash=digest)


def build_function(spec: c.FunctionSpec) -> BuiltAsset:
    """Copy the handler file and the wardfund package into `.build/functions/<key>/<hash>`."""
    sources = _function_sources(spec)
    missing = () if (c.REPO_ROOT / spec.handler_file).is_file() else (spec.handler_file,)
    digest = _hash_files(["function", spec.key], sources)
    root = c.BUILD_DIR / "functions" / spec.key
    target = root / digest
    if not target.is_dir():
        with _staging(root) as staging:
            for relative, source in sources:
                destination = staging / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)
            _publish(staging, target)
        _prune_old(root, keep=target)
    return BuiltAsset(name=spec.key, path=target, input_hash=digest, missing=missing)


def _function_sources(spec: c.FunctionSpec) -> list[tuple[str, Path]]:
    """(path inside the asset, file on disk), sorted for a stable hash."""
    files: dict[str, Path] = {}
    relative = spec.handler_file
    source = c.REPO_ROOT / relative
    if source.is_file():
        files[relative] = source
    # Keep `functions/<area>/` importable as the packages they are in the repository.
    for parent in Path(relative).parents:
        init = c.REPO_ROOT / parent / "__init__.py"
        if parent != Path(".") and init.is_file():
            files[(parent / "__init__.py").as_posix()] = init
    if not (c.SHARED_PACKAGE_DIR / "__init__.py").is_file():
        raise PackagingError(f"the wardfund package is missing at {c.SHARED_PACKAGE_DIR}")
    package_parent = c.SHARED_PACKAGE_DIR.parent
    for source in _walk(c.SHARED_PACKAGE_DIR):
        files[source.relative_to(package_parent).as_posix()] = source
    return sorted(files.items())


def _walk(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _IGNORED_DIRS)
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if path.suffix not in _IGNORED_SUFFIXES:
                yield path


def _hash_strings(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def _hash_files(prefix: Iterable[str], files: Iterable[tuple[str, Path]]) -> str:
    h = hashlib.sha256()
    for part in [_RECIPE_VERSION, *prefix]:
        h.update(part.encode() + b"\0")
    for relative, source in files:
        h.update(relative.encode() + b"\0")
        h.update(source.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


class _staging:
    """A temporary folder next to the cache folder (same filesystem, so rename is atomic)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __enter__(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.root))
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _publish(staging: Path, target: Path) -> None:
    try:
        os.replace(staging, target)
    except OSError:
        if not target.is_dir():  # someone else won the race: fine; anything else: fail
            raise


def _strip_bytecode(folder: Path) -> None:
    for cache in list(folder.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)


def _prune_old(root: Path, keep: Path) -> None:
    """Keep the newest few cached builds; remove the rest (best effort)."""
    builds = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in [p for p in builds if p != keep][_KEEP_CACHED - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
