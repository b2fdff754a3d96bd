#!/usr/bin/env bash
# Runs the project's JUnit suite and GPU benchmarks on a GPU machine that has no Maven (and maybe no Java).
#
#   bench/gpu/run-on-gpu.sh prepare        on the build machine: build, then gather into .gpu/ (< 60 MiB)
#                                          everything the run needs: jars, test classes, the JUnit console
#                                          launcher, benchmarks.jar and a jlink-ed JRE
#   bench/gpu/run-on-gpu.sh run OUT_DIR    on the GPU machine, from a copy of the repository with .gpu/:
#                                          nvidia-smi, the CUDA libraries found, the whole JUnit suite
#                                          (GPU tests FAIL rather than skip when the GPU is missing there),
#                                          JMH benchmarks matching $GPU_BENCH, and OUT_DIR/summary.md
#
#   bench/gpu/run-on-gpu.sh data           on the build machine: copy the full Fashion-MNIST (.gz, 30 MB) into
#                                          .gpu-data/ (carry it in a call of its own: .gpu/ + data > 64 MiB)
#   bench/gpu/run-on-gpu.sh pack           on the build machine: prepare + data, both xz-compressed into
#                                          .gpu-pack/ (~53 MB): one carry holds the whole kit, since a
#                                          device machine that goes idle is given back within a minute
#   bench/gpu/run-on-gpu.sh unpack         on the GPU machine: restore .gpu/ and .gpu-data/ from .gpu-pack/
#   bench/gpu/run-on-gpu.sh ssl OUT METHOD [EPOCHS [ARGS...]]
#                                          on the GPU machine: pretrain METHOD (simclr | mocov2 | byol) on all
#                                          60,000 images with --device cuda, then its linear probe and kNN with
#                                          the baselines; the issue-6 settings, ARGS appended (they win);
#                                          TRAIN_TIMEOUT (seconds) stops the pretraining, and the probe then
#                                          reads the last epoch's checkpoint; PROBE_ARGS are added to the probe
#   bench/gpu/run-on-gpu.sh ssl-parallel OUT EPOCHS METHOD[:EPOCHS]... [-- ARGS...]
#                                          on the GPU machine: those methods at once, one JVM each (the GPU
#                                          is not saturated by one run of this size); METHOD:EPOCHS gives
#                                          that method its own number of epochs (BYOL runs slower)
#
# Environment for `run`:
#   GPU_BENCH   regex of benchmarks to run (default "Gpu|Cuda"); an empty match skips JMH with a message
#   SSLJ_GPU    "required" (default when nvidia-smi lists a GPU) or "optional" (default otherwise: the
#               dry run on a machine without a GPU, where GPU tests skip)
#   TEST_TIMEOUT / BENCH_TIMEOUT   seconds for the two phases (default 200 / 240; the suite takes ~75 s on an
#               H100, so a whole run with the PyTorch references fits a 10-minute device call)
#   TORCH_BENCH  which bench/gpu/torch_NAME.py references to run after JMH where python3 has torch on a GPU
#               (default "sgemm ssl_losses info_nce ema"; empty skips); TORCH_TIMEOUT seconds each (60)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GPU_DIR="$ROOT/.gpu"
JUNIT_PLATFORM_VERSION=1.10.2          # the platform release of JUnit Jupiter 5.10.2 (parent pom)
CONSOLE_JAR="junit-platform-console-standalone-$JUNIT_PLATFORM_VERSION.jar"
# JDK modules the run needs. From `jdeps --print-module-deps` over the jars (java.base, java.logging,
# java.management, java.xml, jdk.unsupported...), plus jdk.incubator.vector (the CPU backend's SIMD)
# and jdk.management (JMH's GC/thread profilers). Recomputed in prepare; this is the floor.
BASE_MODULES="java.base,java.logging,java.management,java.xml,jdk.unsupported,jdk.incubator.vector,jdk.management"

log() { printf '[run-on-gpu] %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------------
prepare() {
    set -e
    local start=$SECONDS
    cd "$ROOT"
    log "building (tests compiled, not run)"
    mvn -B -q clean package -DskipTests           # clean: no stale classes of deleted sources
    rm -rf "$GPU_DIR"
    mkdir -p "$GPU_DIR/lib" "$GPU_DIR/test-classes"

    log "copying the runtime and test dependencies of the tests module (JUnit itself comes in the console jar)"
    # The reactor build resolves the sslj modules' jars from their target/ folders (no mvn install).
    mvn -B -q -pl tests -am package dependency:copy-dependencies -DskipTests \
        -DincludeScope=test -DoutputDirectory="$GPU_DIR/lib" \
        -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
    # copy-dependencies also runs in the upstream modules with the same output folder: harmless
    # duplicates of the same files. Test classes and resources of the suite:
    cp -r tests/target/test-classes/. "$GPU_DIR/test-classes/"
    cp bench/target/benchmarks.jar "$GPU_DIR/benchmarks.jar"

    log "fetching the JUnit console launcher $JUNIT_PLATFORM_VERSION"
    mvn -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_PLATFORM_VERSION" \
        -DoutputDirectory="$GPU_DIR"

    log "trimming: JCuda's PTX-compiler binding (24 MB, unused: the driver JITs our PTX) and non-linux natives"
    local jar
    for jar in "$GPU_DIR"/lib/jcuda-natives-*.jar "$GPU_DIR/benchmarks.jar"; do
        zip -q -d "$jar" 'lib/libJNvPTXCompiler-*' 'lib/*.dll' 'lib/*.dylib' >/dev/null 2>&1 || true
    done

    log "jlink-ing a JRE"
    local cp modules
    cp="$(ls "$GPU_DIR"/lib/*.jar | tr '\n' ':')$GPU_DIR/$CONSOLE_JAR:$GPU_DIR/benchmarks.jar"
    modules="$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps -q \
        --add-modules=jdk.incubator.vector --class-path "$cp" "$GPU_DIR/test-classes" "$GPU_DIR/$CONSOLE_JAR" \
        "$GPU_DIR/benchmarks.jar" 2>/dev/null || true)"
    # java.desktop is reached only through commons-math3's geometry classes inside the JMH jar (never
    # used by JMH); leaving it out saves ~8 MB of AWT.
    modules="$(printf '%s,%s' "$BASE_MODULES" "$modules" | tr ',' '\n' | grep -v -e '^$' -e '^java.desktop$' | sort -u | paste -sd, -)"
    log "modules: $modules"
    jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
        --strip-native-debug-symbols=exclude-debuginfo-files --output "$GPU_DIR/jre"

    du -sh "$GPU_DIR"/* | sed 's/^/[run-on-gpu]   /' >&2
    local mib
    mib=$(du -sm "$GPU_DIR" | cut -f1)
    if [ "$mib" -ge 60 ]; then log "ERROR: .gpu is $mib MiB, over the 60 MiB budget"; exit 1; fi
    log "prepared .gpu ($mib MiB) in $((SECONDS - start)) s"
}

# ---------------------------------------------------------------------------------------------------
# `run` never stops early: every step records its outcome, and summary.md is written on any exit.

OUT=""
JAVA=""
PHASES=()             # "name|status|seconds" rows for the summary
SUMMARY_WRITTEN=0
JUNIT_RC=2            # until the suite has run

phase() { PHASES+=("$1|$2|$3"); }

pick_java() {
    if [ -x "$GPU_DIR/jre/bin/java" ] && "$GPU_DIR/jre/bin/java" -version >/dev/null 2>&1; then
        JAVA="$GPU_DIR/jre/bin/java"
    elif command -v java >/dev/null 2>&1; then
        JAVA="$(command -v java)"
        log "the bundled JRE does not start here; using $JAVA"
    else
        log "ERROR: no usable Java (bundled JRE failed and no java on the PATH)"
        return 1
    fi
}

test_classpath() {
    printf '%s' "$GPU_DIR/test-classes"
    local jar
    for jar in "$GPU_DIR"/lib/*.jar; do printf ':%s' "$jar"; done
}

count() {   # count NAME FILE: the number in a console-launcher summary line "[  12 tests successful ]"
    local n
    n=$(grep -E "\[ +[0-9]+ $1 +\]" "$2" 2>/dev/null | tail -1 | grep -oE '[0-9]+' | head -1)
    printf '%s' "${n:-?}"
}

write_summary() {
    [ "$SUMMARY_WRITTEN" = 1 ] && return
    SUMMARY_WRITTEN=1
    local s="$OUT/summary.md" junit="$OUT/junit.log" row name status secs
    {
        echo "# GPU run summary"
        echo
        echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
        echo "- host: $(uname -n), $(uname -m), $(nproc 2>/dev/null || echo '?') cores"
        local gpu_name
        gpu_name="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
        echo "- GPU: ${gpu_name:-none (nvidia-smi not available)}"
        echo "- java: ${JAVA:-none} ($("${JAVA:-false}" -version 2>&1 | head -1 || true))"
        echo "- sslj.gpu: ${SSLJ_GPU:-?}"
        echo
        echo "## Probe"
        echo
        echo '```'
        cat "$OUT/probe.txt" 2>/dev/null || echo "(probe did not run)"
        echo '```'
        echo
        echo "## Tests"
        echo
        local found started not_run
        found=$(count 'tests found' "$junit"); started=$(count 'tests started' "$junit")
        not_run='?'; [[ "$found$started" =~ ^[0-9]+$ ]] && not_run=$((found - started))
        echo "| | found | passed | failed | skipped | aborted (assumption) | not run (class aborted) |"
        echo "|---|---|---|---|---|---|---|"
        echo "| tests | $found | $(count 'tests successful' "$junit") | $(count 'tests failed' "$junit") | $(count 'tests skipped' "$junit") | $(count 'tests aborted' "$junit") | $not_run |"
        echo "| containers (classes) | $(count 'containers found' "$junit") | $(count 'containers successful' "$junit") | $(count 'containers failed' "$junit") | $(count 'containers skipped' "$junit") | $(count 'containers aborted' "$junit") | |"
        echo
        echo "A class whose GPU assumption fails in @BeforeAll is an aborted container; its tests are not run."
        echo "JUnit XML: junit/; full log: junit.log."
        if grep -q '■' "$junit" 2>/dev/null; then
            echo
            echo "### Skipped or aborted"
            echo
            echo '```'
            grep '■' "$junit" | sed 's/^[│├└─ ]*//' | head -50
            echo '```'
        fi
        if grep -q '✘' "$junit" 2>/dev/null; then
            echo
            echo "### Failures"
            echo
            echo '```'
            grep '✘' "$junit" | head -50
            echo '```'
        fi
        echo
        echo "## Benchmarks"
        echo
        if [ -f "$OUT/jmh.txt" ]; then
            echo '```'
            sed -n '/^Benchmark /,$p' "$OUT/jmh.txt" | head -60
            echo '```'
        fi
        cat "$OUT/jmh-note.txt" 2>/dev/null || true
        echo
        echo "## PyTorch references"
        echo
        echo '```'
        cat "$OUT/torch.txt" 2>/dev/null || echo "(not run)"
        echo '```'
        echo
        echo "## Phases"
        echo
        echo "| phase | status | seconds |"
        echo "|---|---|---|"
        for row in "${PHASES[@]}"; do
            IFS='|' read -r name status secs <<<"$row"
            echo "| $name | $status | $secs |"
        done
    } >"$s"
    log "wrote $s"
}

run() {
    OUT="${1:?usage: run-on-gpu.sh run OUT_DIR}"
    mkdir -p "$OUT/junit"
    OUT="$(cd "$OUT" && pwd)"
    trap write_summary EXIT
    local t start=$SECONDS

    if [ ! -d "$GPU_DIR/test-classes" ]; then
        log "ERROR: $GPU_DIR is missing: run 'bench/gpu/run-on-gpu.sh prepare' on the build machine first"
        echo "prepare has not been run: .gpu/ is missing" >"$OUT/probe.txt"
        phase prepare missing 0
        exit 1
    fi

    # --- the machine ---------------------------------------------------------------------------------
    {
        echo "== nvidia-smi"
        nvidia-smi 2>&1 || echo "(nvidia-smi not available)"
        echo "== CUDA libraries known to the dynamic linker"
        ldconfig -p 2>/dev/null | grep -E 'libcuda\.|libcublas|libcudnn|libcurand' || echo "(none found by ldconfig -p)"
    } >"$OUT/machine.txt" 2>&1
    cat "$OUT/machine.txt" >&2
    if [ -z "${SSLJ_GPU:-}" ]; then
        if nvidia-smi -L >/dev/null 2>&1; then SSLJ_GPU=required; else SSLJ_GPU=optional; fi
    fi
    log "sslj.gpu=$SSLJ_GPU"

    pick_java || { phase java missing 0; exit 1; }
    # A private temp dir: JCuda extracts its natives there, and reuses stale copies in a shared /tmp.
    local tmp
    tmp="$(mktemp -d)"
    local jvm=(--add-modules=jdk.incubator.vector -Xss4m "-Djava.io.tmpdir=$tmp" "-Dsslj.gpu=$SSLJ_GPU")
    local cp
    cp="$(test_classpath)"

    # --- probe -----------------------------------------------------------------------------------
    t=$SECONDS
    timeout 60 "$JAVA" "${jvm[@]}" -cp "$cp" sslj.kernels.cuda.GpuInfo >"$OUT/probe.txt" 2>&1
    phase probe "exit $?" $((SECONDS - t))
    cat "$OUT/probe.txt" >&2

    # --- JUnit -------------------------------------------------------------------------------------
    t=$SECONDS
    log "running the JUnit suite (timeout ${TEST_TIMEOUT:-200} s)"
    timeout "${TEST_TIMEOUT:-200}" "$JAVA" "${jvm[@]}" -jar "$GPU_DIR/$CONSOLE_JAR" execute \
        --disable-banner --details=tree --disable-ansi-colors \
        --class-path "$cp" --scan-classpath "$GPU_DIR/test-classes" \
        --reports-dir "$OUT/junit" >"$OUT/junit.log" 2>&1
    local rc=$?
    JUNIT_RC=$rc
    case $rc in
        0) phase junit passed $((SECONDS - t)) ;;
        1) phase junit "tests failed" $((SECONDS - t)) ;;
        124) phase junit "TIMED OUT" $((SECONDS - t)) ;;
        *) phase junit "exit $rc" $((SECONDS - t)) ;;
    esac
    tail -25 "$OUT/junit.log" >&2

    # --- JMH ---------------------------------------------------------------------------------------
    t=$SECONDS
    local regex="${GPU_BENCH:-Gpu|Cuda}" matching
    matching="$(timeout 60 "$JAVA" "${jvm[@]}" -jar "$GPU_DIR/benchmarks.jar" -l 2>/dev/null | grep -E -- "$regex" || true)"
    if [ -z "$matching" ]; then
        echo "No benchmark matches GPU_BENCH='$regex': JMH skipped." >"$OUT/jmh-note.txt"
        log "$(cat "$OUT/jmh-note.txt")"
        phase jmh skipped $((SECONDS - t))
    else
        log "benchmarks: $(echo "$matching" | tr '\n' ' ')"
        timeout "${BENCH_TIMEOUT:-240}" "$JAVA" "${jvm[@]}" -jar "$GPU_DIR/benchmarks.jar" "$regex" \
            -f 1 -wi 2 -w 1s -i 3 -r 1s -rf json -rff "$OUT/jmh.json" \
            -jvmArgsAppend "--add-modules=jdk.incubator.vector -Dsslj.gpu=$SSLJ_GPU -Djava.io.tmpdir=$tmp" \
            >"$OUT/jmh.txt" 2>&1
        rc=$?
        [ $rc = 124 ] && echo "JMH stopped at the ${BENCH_TIMEOUT:-240} s limit; results incomplete." >"$OUT/jmh-note.txt"
        phase jmh "exit $rc" $((SECONDS - t))
    fi

    # --- PyTorch references (cuBLAS SGEMM, the SSL losses, EMA), where the machine has torch on a GPU -----
    t=$SECONDS
    if [ -z "${TORCH_BENCH-sgemm ssl_losses info_nce ema}" ]; then
        phase torch skipped 0
    elif timeout 60 python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' >/dev/null 2>&1; then
        local script
        for script in ${TORCH_BENCH-sgemm ssl_losses info_nce ema}; do
            echo "== bench/gpu/torch_$script.py" >>"$OUT/torch.txt"
            timeout "${TORCH_TIMEOUT:-60}" python3 "$ROOT/bench/gpu/torch_$script.py" >>"$OUT/torch.txt" 2>&1 \
                || echo "(exit $?)" >>"$OUT/torch.txt"
        done
        phase torch done $((SECONDS - t))
    else
        echo "No PyTorch with CUDA here: the PyTorch references were not run." >"$OUT/torch.txt"
        phase torch "no torch" $((SECONDS - t))
    fi

    rm -rf "$tmp"
    phase total "" $((SECONDS - start))
    write_summary
    # The exit status is the suite's: 0 when every test passed (skips included), non-zero otherwise.
    exit "$JUNIT_RC"
}

# ---------------------------------------------------------------------------------------------------
data() {
    local src="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}" f
    mkdir -p "$ROOT/.gpu-data/fashion-mnist"
    for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
        [ -f "$src/$f" ] || { log "ERROR: $src/$f not found (README's set-up installs dataset-fashion-mnist)"; exit 1; }
        cp "$src/$f" "$ROOT/.gpu-data/fashion-mnist/"
    done
    log "copied Fashion-MNIST to .gpu-data/fashion-mnist ($(du -sm "$ROOT/.gpu-data" | cut -f1) MiB)"
}

# One carry for everything: .gpu/ (56 MiB) and the data (30 MB) do not fit the 64 MiB carry side by side,
# and a machine is given back ~30 s after a call, so nothing can wait on it for a second call. xz brings
# the pair to ~53 MB. The images travel as xz of the raw IDX bytes (22 MB instead of 26 MB of gzip);
# unpack gzips them again (-1: fast), since FashionMnist reads the .gz files the dataset ships as.
pack() {
    set -e
    cd "$ROOT"
    [ "${SKIP_PREPARE:-0}" = 1 ] || prepare
    data
    rm -rf "$ROOT/.gpu-pack"
    mkdir -p "$ROOT/.gpu-pack"
    log "compressing .gpu/ (xz)"
    tar -C "$ROOT" -cf - .gpu | xz -T0 -9 >"$ROOT/.gpu-pack/gpu.tar.xz"
    local f
    for f in "$ROOT"/.gpu-data/fashion-mnist/*.gz; do
        gzip -dc "$f" | xz -T0 -9e >"$ROOT/.gpu-pack/$(basename "${f%.gz}").xz"
    done
    local mib tree
    mib=$(du -sm "$ROOT/.gpu-pack" | cut -f1)
    tree=$(git -C "$ROOT" ls-files -z | xargs -0 du -cm | tail -1 | cut -f1)
    log "packed .gpu-pack ($mib MiB; with the tracked tree, $tree MiB, $((mib + tree)) MiB of the 64 MiB carry)"
    if [ $((mib + tree)) -ge 63 ]; then log "ERROR: over the 64 MiB a device call carries"; exit 1; fi
}

unpack() {
    set -e
    cd "$ROOT"
    [ -f .gpu-pack/gpu.tar.xz ] || { log "ERROR: .gpu-pack/gpu.tar.xz missing: run 'pack' here and carry .gpu-pack"; exit 1; }
    rm -rf .gpu
    xz -dc .gpu-pack/gpu.tar.xz | tar -xf -
    mkdir -p .gpu-data/fashion-mnist
    local f
    for f in .gpu-pack/*-ubyte.xz; do
        xz -dc "$f" | gzip -1 >".gpu-data/fashion-mnist/$(basename "${f%.xz}").gz"
    done
    log "unpacked .gpu ($(du -sm .gpu | cut -f1) MiB) and .gpu-data ($(du -sm .gpu-data | cut -f1) MiB)"
}

# The issue-6 runs. Settings of the CPU runs (bench/RESULTS.md), but width 32 (on the CPU, width 8 plateaued
# just under raw pixels whether trained on 10,000 or 60,000 images, so capacity is the next thing to give)
# and batch 512 with the learning rates scaled (GPU run 15). On an H100 one such run trains at ~9,000
# images/s (GPU runs 14-17). TRAIN_TIMEOUT cuts a pretraining that would not finish and the probe reads its
# last epoch's checkpoint; a run started with setsid outlives its call while calls follow within ~30 s.
ssl() {
    local out="${1:?usage: run-on-gpu.sh ssl OUT METHOD [EPOCHS [ARGS...]]}" method="${2:?method: simclr | mocov2 | byol}"
    local epochs="${3:-10}"
    shift 3 2>/dev/null || shift $#
    local main settings
    case "$method" in
        # batch 512 (GPU run 15): the CPU runs' batch-256 rates scaled, SGD linearly, LARS by sqrt(2)
        simclr) main=SimClrMain; settings=(--lr 1.2 --temperature 0.2) ;;
        mocov2) main=MocoMain; settings=(--version 2 --lr 0.3) ;;
        byol) main=ByolMain; settings=(--lr 0.7 --momentum 0.99) ;;
        *) log "ERROR: unknown method $method (simclr | mocov2 | byol)"; exit 2 ;;
    esac
    [ -d "$ROOT/.gpu-data/fashion-mnist" ] || { log "ERROR: .gpu-data/fashion-mnist missing: run 'data' on the build machine and carry .gpu-data"; exit 1; }
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    pick_java || exit 1
    local tmp cp
    tmp="$(mktemp -d)"
    cp="$(test_classpath)"
    local jvm=(--add-modules=jdk.incubator.vector -Xss4m -Xmx24g "-Djava.io.tmpdir=$tmp")
    local defaults=("${settings[@]}" --device "${SSL_DEVICE:-cuda}" --data-dir "$ROOT/.gpu-data/fashion-mnist" --epochs "$epochs"
                    --batch-size 512 --width 32 --crop-min 0.3 --workers 8 --log-every 50)
    # ARGS win: a default "--name value" pair is dropped when ARGS name the same option (the mains refuse twice)
    local given=" " a opts=() i
    for a in "$@"; do case "$a" in --*) given+="${a%%=*} " ;; esac; done
    for ((i = 0; i < ${#defaults[@]}; i += 2)); do
        case "$given" in *" ${defaults[i]} "*) ;; *) opts+=("${defaults[i]}" "${defaults[i + 1]}") ;; esac
    done
    opts+=("$@")
    log "$main ${opts[*]} -> $out/$method"
    timeout "${TRAIN_TIMEOUT:-0}" "$JAVA" "${jvm[@]}" -cp "$cp" "sslj.ssl.$main" "${opts[@]}" --out "$out/$method" >"$out/$method.log" 2>&1
    local rc=$?
    grep "done" "$out/$method.log" | tail -3 >&2
    if [ $rc = 124 ]; then
        log "training stopped at TRAIN_TIMEOUT=${TRAIN_TIMEOUT} s; probing its last checkpoint"
        echo "stopped at TRAIN_TIMEOUT=${TRAIN_TIMEOUT} s" >>"$out/$method.log"
    elif [ $rc != 0 ]; then
        log "training exited with $rc (see $out/$method.log)"; rm -rf "$tmp"; exit $rc
    fi
    if [ "${PROBE:-1}" = 0 ]; then rm -rf "$tmp"; exit 0; fi    # PROBE=0: pretraining only (throughput checks)
    # kNN at k = 200 (the monitor's protocol) and k = 20 (raw pixels' best) unless PROBE_ARGS name --k
    local ks=(--k 20,200)
    case " ${PROBE_ARGS:-} " in *" --k "*) ks=() ;; esac
    # shellcheck disable=SC2086  # PROBE_ARGS is a list of words
    "$JAVA" "${jvm[@]}" -cp "$cp" sslj.ssl.LinearProbeMain --pretrained "$out/$method" --device "${SSL_DEVICE:-cuda}" \
        --data-dir "$ROOT/.gpu-data/fashion-mnist" --workers "${PROBE_WORKERS:-8}" --out "$out/$method-probe" "${ks[@]}" ${PROBE_ARGS:-} \
        >"$out/$method-probe.log" 2>&1
    rc=$?
    tail -8 "$out/$method-probe.log" >&2
    rm -rf "$tmp"
    exit $rc
}

# Several methods side by side on the one GPU (GPU runs 6 and 7: three width-32 runs at ~2,000 images/s each,
# ~6,000 together, where one alone trains at ~4,000-5,000): each its own JVM with 4 loader threads, its
# probe afterwards, the baselines only with the first. Same ARGS for all; OUT/METHOD.out is each one's log.
ssl_parallel() {
    local out="${1:?usage: run-on-gpu.sh ssl-parallel OUT EPOCHS METHOD[:EPOCHS]... [-- ARGS...]}" epochs="${2:?epochs}"
    shift 2
    local methods=() pids=() m n first=1 rc=0 pid
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do methods+=("$1"); shift; done
    [ "${1:-}" = "--" ] && shift
    mkdir -p "$out"
    for m in "${methods[@]}"; do
        n="$epochs"
        case "$m" in *:*) n="${m#*:}"; m="${m%%:*}" ;; esac
        local probe="${PROBE_ARGS:-}"
        [ $first = 1 ] || [[ " $probe " == *" --no-baselines "* ]] || probe="$probe --no-baselines"
        first=0
        ( PROBE_ARGS="$probe" PROBE_WORKERS=4 bash "$0" ssl "$out" "$m" "$n" --workers 4 "$@" >"$out/$m.out" 2>&1 ) &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
    grep -h "linear probe\|kNN" "$out"/*-probe.log >&2
    exit $rc
}

case "${1:-}" in
    prepare) prepare ;;
    run) shift; run "$@" ;;
    data) data ;;
    pack) pack ;;
    unpack) unpack ;;
    ssl) shift; ssl "$@" ;;
    ssl-parallel) shift; ssl_parallel "$@" ;;
    *) echo "usage: $0 prepare | run OUT_DIR | data | pack | unpack | ssl-parallel OUT EPOCHS METHOD[:EPOCHS]... [-- ARGS] | ssl OUT METHOD [EPOCHS [ARGS...]]" >&2; exit 2 ;;
esac
