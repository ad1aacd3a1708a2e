#!/usr/bin/env bash
# Regenerates the manual page docs/man/tokenledger.1 with swift-argument-parser's GenerateManual
# plugin, and docs/man/tokenledger.help.sha256: the SHA-256 of `tokenledger
# --experimental-dump-help`, the help the page was made from. A test recomputes that hash and
# fails when the help changed without the page (run this script, then commit both files).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product tokenledger
swift package --disable-sandbox generate-manual --configuration debug --date 2026-12-02 \
  --authors "TokenLedger maintainers" >/dev/null
cp .build/plugins/GenerateManual/outputs/tokenledger/tokenledger.1 docs/man/tokenledger.1
"$(swift build --show-bin-path)/tokenledger" --experimental-dump-help | sha256sum | cut -d' ' -f1 \
  > docs/man/tokenledger.help.sha256
echo "wrote docs/man/tokenledger.1 and docs/man/tokenledger.help.sha256"
