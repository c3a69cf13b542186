#!/usr/bin/env bash
# Builds llama.cpp's own `llama-server` from the source node-llama-cpp ships (same llama.cpp
# release as the app's engine), once, into .cache/llama-server/. Tests against a real third-party
# server and the peer benchmarks use it. Prints the binary's path.
set -euo pipefail
case "${1-}" in
  "") ;;
  -h | --help)
    cat <<'USAGE'
Usage: npm run build:llama-server

Builds llama.cpp's own llama-server from the source node-llama-cpp ships (needs cmake, a C++
compiler and git; about 6 minutes on 2 cores), once, into .cache/llama-server/, and prints the
binary's path. Later runs print the cached binary's path at once. It takes no options.
USAGE
    exit 0
    ;;
  *)
    printf "npm run build:llama-server: unknown option '%s'.\nRun \`npm run build:llama-server -- --help\` for usage.\n" "$1" >&2
    exit 2
    ;;
esac
root="$(cd "$(dirname "$0")/../.." && pwd)"
bundle="$root/node_modules/node-llama-cpp/llama/gitRelease.bundle"
tag="$(node -p "require('$root/node_modules/node-llama-cpp/llama/llama.cpp.info.json').tag")"
# The CPU's instruction sets, named by ggml's options. On x86 Linux these replace -march=native:
# native also turns on AMX where the CPU has it, whose kernels crash llama-server here (SIGSEGV on
# any Q8_0 model), and the prebuilt engine the app runs has no AMX either. Elsewhere: native.
isa="-DGGML_NATIVE=ON"
if [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ]; then
  flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  on() { case "$flags" in *" $1 "*) echo ON ;; *) echo OFF ;; esac; }
  isa="-DGGML_NATIVE=OFF -DGGML_SSE42=$(on sse4_2) -DGGML_AVX=$(on avx) -DGGML_AVX2=$(on avx2) -DGGML_FMA=$(on fma)"
  isa="$isa -DGGML_F16C=$(on f16c) -DGGML_BMI2=$(on bmi2) -DGGML_AVX_VNNI=$(on avx_vnni) -DGGML_AVX512=$(on avx512f)"
  isa="$isa -DGGML_AVX512_VBMI=$(on avx512vbmi) -DGGML_AVX512_VNNI=$(on avx512_vnni) -DGGML_AVX512_BF16=$(on avx512_bf16)"
fi
# One binary per release and instruction-set choice: a cached build never runs on a CPU it was not built for.
out="$root/.cache/llama-server/$tag-$(printf '%s' "$isa" | cksum | cut -d' ' -f1)"
# Windows (Git Bash in CI): an .exe, which the Visual Studio generator puts under bin/Release/.
exe=""
case "$(uname -s)" in MINGW* | MSYS* | CYGWIN*) exe=".exe" ;; esac
bin="$out/bin/llama-server$exe"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
# One build at a time: a second caller waits for the first and then finds the binary.
# (macOS and Git Bash have no flock; CI there builds once per job anyway.)
mkdir -p "$root/.cache/llama-server"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$root/.cache/llama-server/build.lock"
  flock 9
fi
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
src="$root/.cache/llama-server/src-$tag"
rm -rf "$src" "$out.tmp"
git clone --quiet "$bundle" "$src" >&2
# shellcheck disable=SC2086 # $isa is a list of options
cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release $isa \
  -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
  -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
cpus="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
cmake --build "$src/build" --config Release --target llama-server -j "$cpus" >&2
mkdir -p "$out.tmp/bin"
cp "$(find "$src/build/bin" -name "llama-server$exe" -type f | head -n 1)" "$out.tmp/bin/"
rm -rf "$out"; mv "$out.tmp" "$out"
rm -rf "$src"
echo "$bin"
