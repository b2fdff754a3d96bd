#!/usr/bin/env bash
# The CPU training step side by side: sslj (TrainStepBench) and PyTorch (torch_train_step.py) on the same
# jobs, each job in its own process (peak memory is per process), then the ratios.
#   bash bench/cpu/train-step.sh [JOBS] [WIDTHS] [STEPS]      defaults: "simclr moco knn" "8 16 32" 10
# Needs bench/target/benchmarks.jar (README's set-up builds it) and PyTorch (Debian's python3-torch with an
# optimised BLAS, installed by hand: apt-get install python3-torch libopenblas0-pthread). Prints one line per
# engine and job, then a table.
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=${1:-"simclr moco knn"}; widths=${2:-"8 16 32"}; steps=${3:-10}
jar=bench/target/benchmarks.jar
# the main classes' JVM flags (pom.xml's run.flags), so the step is timed as a user runs it
run_flags=$(sed -n 's:.*<run.flags>\(.*\)</run.flags>.*:\1:p' pom.xml)
[ -f "$jar" ] || { echo "train-step.sh: $jar is missing: build it with README's set-up command" >&2; exit 2; }
py=/usr/bin/python3
$py -c 'import torch' 2>/dev/null || { echo "train-step.sh: PyTorch is missing: apt-get install python3-torch libopenblas0-pthread" >&2; exit 2; }
# Debian's PyTorch calls whatever libblas.so.3 is selected; the reference BLAS it installs with would make
# PyTorch's matrix products (heads, losses, kNN) several times slower than a PyTorch user sees
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
case "$blas" in
  *openblas*|*blis*|*mkl*) echo "PyTorch's BLAS: $blas" ;;
  *) echo "train-step.sh: PyTorch would use the reference BLAS ($blas): apt-get install libopenblas0-pthread" >&2; exit 2 ;;
esac
out=$(mktemp)
for job in $jobs; do
  for w in $widths; do
    warm=3; [ "$job" = knn ] && warm=1     # kNN: the best of two passes (a pass is seconds long)
    java --add-modules=jdk.incubator.vector $run_flags -cp "$jar" sslj.bench.TrainStepBench "$job" --width "$w" --steps "$steps" --warmup $warm 2>/dev/null | tee -a "$out"
    $py bench/cpu/torch_train_step.py "$job" --width "$w" --steps "$steps" --warmup $warm | tee -a "$out"
  done
done
echo
echo "job     width  sslj img/s  torch img/s  ratio   sslj MB  torch MB"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       key = v["job"] " " v["width"]; e = (v["engine"] == "sslj") ? "s" : "t";
       ips[key, e] = v["images_per_s"]; mb[key, e] = v["peak_rss_mb"]; if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
     END { for (i = 0; i < n; i++) { k = order[i]; split(k, p, " ");
       printf "%-7s %5s  %10.1f  %11.1f  %5.2fx  %7d  %8d\n", p[1], p[2], ips[k, "s"], ips[k, "t"], ips[k, "s"] / ips[k, "t"], mb[k, "s"], mb[k, "t"] } }' "$out"
rm -f "$out"
