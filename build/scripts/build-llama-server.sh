#!/usr/bin/env bash
# Builds llama.cpp's own `llama-server` from the source node-llama-cpp ships (same llama.cpp
# release as the app's engine), once, into .cache/llama-server/. Tests against a real third-party
# server and the peer benchmarks use it. Prints the binary's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bundle="$root/node_modules/node-llama-cpp/llama/gitRelease.bundle"
tag="$(node -p "require('$root/node_modules/node-llama-cpp/llama/llama.cpp.info.json').tag")"
out="$root/.cache/llama-server/$tag"
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
# AMX kernels off: the prebuilt engine has them off too, and they abort on some shapes.
cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON \
  -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
  -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
cpus="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
cmake --build "$src/build" --config Release --target llama-server -j "$cpus" >&2
mkdir -p "$out.tmp/bin"
cp "$(find "$src/build/bin" -name "llama-server$exe" -type f | head -n 1)" "$out.tmp/bin/"
rm -rf "$out"; mv "$out.tmp" "$out"
rm -rf "$src"
echo "$bin"
