#!/usr/bin/env bash
# Runs every benchmark and writes bench/RESULTS.md (with the PNG plot beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
out=bench/RESULTS.md
{
  echo "# Benchmark results"
  echo
  echo "One recorded run of \`make bench\` (\`bench/run_all.sh\`) on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)."
  echo "Local figures are against moto in server mode, so they compare designs, not AWS latency."
  echo
  echo "## AWS calls per Stripe event (\`uv run python -m bench.aws_calls_per_event\`)"
  echo
  uv run python -m bench.aws_calls_per_event
  echo
  echo "![AWS calls per event](aws_calls_per_event.png)"
  echo
  echo "## Pipeline throughput ratio (\`uv run python -m bench.pipeline_throughput 500\`)"
  echo
  echo '```'
  uv run python -m bench.pipeline_throughput 500
  echo '```'
  echo
  echo "![pipeline throughput](pipeline_throughput.png)"
  echo
  echo "## Cold import time (\`uv run python -m bench.cold_imports\`)"
  echo
  uv run python -m bench.cold_imports
  echo
  echo "![cold imports](cold_imports.png)"
  echo
  echo "## 250 monthly pledges through \`wardfund simulate\`"
  echo
  uv run python bench/make_story.py 250 >/dev/null
  start=$(date +%s.%N)
  uv run wardfund simulate bench/stories/250-pledges.yaml --json >/tmp/wardfund-250.json
  end=$(date +%s.%N)
  echo "wall time: $(python3 -c "print(f'{$end - $start:.1f}')") s (target < 60 s), ledger balanced: $(python3 -c "import json; print(json.load(open('/tmp/wardfund-250.json'))['ledger_balanced'])")"
  echo
  echo "## Payout run scaling (\`uv run python -m bench.payout_scaling\`)"
  echo
  echo '```'
  uv run python -m bench.payout_scaling
  echo '```'
  echo
  echo "![payout scaling](payout_scaling.png)"
  echo
  echo "## Payout run fanned out per campaign (\`uv run python -m bench.payout_fanout\`)"
  echo
  echo "100 and 650 campaigns at 500 ms a transfer, concurrency 1, 5 and 10 (about 12 minutes; the"
  echo "2,000 and 5,000 runs: \`uv run python -m bench.payout_fanout 2000,5000 5,10\`)."
  echo
  uv run python -m bench.payout_fanout 100,650 1,5,10 | grep '^|'
  echo
  echo "![payout fan-out](payout_fanout.png)"
  echo
  echo "## Ward-night burst (\`uv run python -m bench.ward_night\`)"
  echo
  echo "2,000 monthly pledges, every Stripe event of each, POSTed over 10 minutes (about 12 minutes)."
  echo
  echo '```'
  uv run python -m bench.ward_night | grep -v '^{"_aws'
  echo '```'
  echo
  echo "![ward-night burst](ward_night.png)"
  echo
  echo "## Webhook to the live page (\`uv run python -m bench.live_page_latency 100\`)"
  echo
  echo '```'
  uv run python -m bench.live_page_latency 100
  echo '```'
  echo
  echo "![live page latency](live_page_latency.png)"
  echo
  echo "## Asset sizes, zipped, arm64 (\`uv run python scripts/asset_sizes.py\`)"
  echo
  echo '```'
  uv run python scripts/asset_sizes.py
  echo '```'
} | tee "$out"
