#!/usr/bin/env bash
# Cross-checks the error reasons (STYLE.md B.3/B.5): every reason in src/common/reason.h has a
# row in docs/errors.md and is in kAllReasons, and every row names a reason of the code. That each
# one is really returned, with its documented status, is checked on the API suites' record by
# tools/check_reasons_served.mjs (make test-api).
set -euo pipefail
cd "$(dirname "$0")/.."
code_reasons=$(grep -oE 'Reason k[A-Za-z]+\{"[a-z_]+"' src/common/reason.h | sed -E 's/.*"([a-z_]+)"/\1/' | sort -u)
doc_reasons=$(grep -oE '^\| `[a-z_]+` \|' docs/errors.md | sed -E 's/^\| `([a-z_]+)` \|/\1/' | sort -u)
failures=0
for reason in $code_reasons; do
  if ! grep -qx "$reason" <<<"$doc_reasons"; then
    echo "check_error_reasons: \"$reason\" has no row in docs/errors.md" >&2
    failures=$((failures + 1))
  fi
done
# Every declared reason must also be in kAllReasons (the table tests iterate over).
listed=$(sed -n '/kAllReasons = {/,/^};/p' src/common/reason.h | grep -oE 'reason::k[A-Za-z]+' | sed 's/reason:://' | sort -u)
declared=$(grep -oE 'Reason k[A-Za-z]+\{' src/common/reason.h | sed -E 's/Reason (k[A-Za-z]+)\{/\1/' | sort -u)
for constant in $declared; do
  if ! grep -qx "$constant" <<<"$listed"; then
    echo "check_error_reasons: reason::$constant is missing from kAllReasons" >&2
    failures=$((failures + 1))
  fi
done
for reason in $doc_reasons; do
  if ! grep -qx "$reason" <<<"$code_reasons"; then
    echo "check_error_reasons: docs/errors.md lists \"$reason\", which the code does not have" >&2
    failures=$((failures + 1))
  fi
done
if [ "$failures" -gt 0 ]; then
  exit 1
fi
echo "check_error_reasons: $(wc -w <<<"$code_reasons") reasons in the code, all documented"
