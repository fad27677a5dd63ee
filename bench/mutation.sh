#!/usr/bin/env bash
# Mutation testing of the money modules with mutmut: every mutant of the modules listed under
# [tool.mutmut] only_mutate in pyproject.toml, against the unit tests only, then the score per
# module and every survivor that docs/mutation-testing.md does not list as equivalent.
# Not part of scripts/test or CI: a full run takes minutes.
#
#   bench/mutation.sh                      a fresh run of every money module
#   bench/mutation.sh 'wardfund.domain.payouts*'   only the mutants matching a name pattern
#   MUTATION_CHILDREN=1 bench/mutation.sh  fewer parallel workers (default: every core)
#   MUTATION_KEEP=1 bench/mutation.sh      keep the last run's results (mutmut reruns only
#                                          functions that changed; edit tests, then rerun)
#   MUTATION_RECORD=1 bench/mutation.sh    also write the score into bench/RESULTS.md (its
#                                          mutation-testing section only)
#
# Exits 1 when a mutant survives that the doc does not list, 0 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
stage=${MUTATION_STAGE:-$root/out/mutation}
children=${MUTATION_CHILDREN:-$(nproc)}

# mutmut names a module by its file's path and takes only a leading src/ off, and the tests
# import `wardfund`: so the run happens in a staged copy with shared/wardfund as src/wardfund.
if [ -z "${MUTATION_KEEP:-}" ]; then
  rm -rf "$stage"
fi
mkdir -p "$stage/src" "$stage/tests"
rm -rf "$stage/src/wardfund" "$stage/tests/unit"
cp -rp shared/wardfund "$stage/src/wardfund"
cp -rp tests/__init__.py tests/unit "$stage/tests/"
cp -p pyproject.toml uv.lock "$stage/"
find "$stage/src" "$stage/tests" -name __pycache__ -prune -exec rm -rf {} +
# mutmut runs the tests inside mutants/; pytest's pythonpath (and a test reading the sources)
# look for shared/wardfund there, which must be the mutated copy.
mkdir -p "$stage/mutants"
ln -sfn src "$stage/mutants/shared"

mutmut() { (cd "$stage" && uv run --project "$root" --frozen mutmut "$@"); }
echo "mutmut: $(uv run --frozen python -c 'import importlib.metadata as m; print(m.version("mutmut"))'), staged in $stage" >&2
started=$SECONDS
mutmut run --max-children "$children" "$@" >"$stage/run.log" 2>&1 || {
  tail -c 4000 "$stage/run.log" >&2
  echo "mutmut run failed (log: $stage/run.log)" >&2
  exit 2
}
took=$((SECONDS - started))
mutmut results --all true >"$stage/results.txt"

score=(uv run --frozen python -m bench.mutation_score "$stage/results.txt"
  --equivalents docs/mutation-testing.md)
if [ -n "${MUTATION_RECORD:-}" ]; then
  commit=${MUTATION_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
  if git status --porcelain -- shared/wardfund/domain tests/unit 2>/dev/null | grep -q .; then
    commit="$commit with uncommitted changes"
  fi
  score+=(--record bench/RESULTS.md --commit "$commit" --seconds "$took" --workers "$children")
fi
"${score[@]}"
