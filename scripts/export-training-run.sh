#!/usr/bin/env bash
# Publishes a finished training run where LiteCNN Dual's watcher looks for it.
#
#   export-training-run.sh SOURCE_DIR RUNS_DIR RUN_ID
#
# SOURCE_DIR must hold model.onnx, labels.json and preprocess.json, and may hold metrics.json.
# The run is assembled in a hidden folder and moved into place, and DONE is written last, so the
# watcher never sees a half-copied run. Run it on the GPU server at the end of a training job.
set -euo pipefail

usage() { echo "usage: $0 SOURCE_DIR RUNS_DIR RUN_ID" >&2; exit 2; }
[ $# -eq 3 ] || usage
src=$1 runs=$2 run_id=$3

if ! [[ $run_id =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ ]] || [[ $run_id == *..* ]]; then
  echo "error: run id '$run_id' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit, without '..'" >&2
  exit 2
fi
for file in model.onnx labels.json preprocess.json; do
  [ -f "$src/$file" ] || { echo "error: $src/$file is missing; a run needs model.onnx, labels.json and preprocess.json" >&2; exit 1; }
done
[ -e "$runs/$run_id" ] && { echo "error: $runs/$run_id already exists; choose a new run id" >&2; exit 1; }

mkdir -p "$runs"
staging=$(mktemp -d "$runs/.incoming-$run_id.XXXXXX")
trap 'rm -rf "$staging"' EXIT
cp "$src/model.onnx" "$src/labels.json" "$src/preprocess.json" "$staging/"
[ -f "$src/metrics.json" ] && cp "$src/metrics.json" "$staging/"
chmod 755 "$staging"
sync
mv "$staging" "$runs/$run_id"
trap - EXIT
date -u +%Y-%m-%dT%H:%M:%SZ > "$runs/$run_id/DONE"
echo "published $runs/$run_id"
