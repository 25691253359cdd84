#!/usr/bin/env bash
# Builds what a garage installs: radiocode-VERSION-x86_64-linux.tar.gz and
# radiocode-VERSION-x86_64-windows.zip (the binary, README, licence), with
# their SHA-256 sums, in dist/.
#
# Needs the rustup target x86_64-pc-windows-gnu and Debian's
# gcc-mingw-w64-x86-64 for the Windows build.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
out=dist
rm -rf "$out"
mkdir -p "$out"

cargo build --release
cargo build --release --target x86_64-pc-windows-gnu

# The licence goes in when the project has chosen one.
docs=(README.md)
if [[ -f LICENSE ]]; then
  docs+=(LICENSE)
else
  echo "release: no LICENSE file yet: the archives hold the binary and README only" >&2
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

linux="radiocode-$version-x86_64-linux"
mkdir -p "$stage/$linux"
cp target/release/radiocode "${docs[@]}" "$stage/$linux/"
tar -C "$stage" -czf "$out/$linux.tar.gz" "$linux"

windows="radiocode-$version-x86_64-windows"
mkdir -p "$stage/$windows"
cp target/x86_64-pc-windows-gnu/release/radiocode.exe "$stage/$windows/"
cp "${docs[@]}" "$stage/$windows/"
(cd "$stage" && python3 -m zipfile -c "$OLDPWD/$out/$windows.zip" "$windows")

(cd "$out" && sha256sum ./*.tar.gz ./*.zip >SHA256SUMS)
cat "$out/SHA256SUMS"
