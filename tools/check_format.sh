#!/usr/bin/env bash
# Fails if any C++ file of the repository is not clang-formatted (.clang-format, STYLE.md B.6).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.h' '*.cc')
if [ ${#files[@]} -eq 0 ]; then
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/creditd-format.$$; then
  grep -E 'error:' /tmp/creditd-format.$$ | sed -E 's/:[0-9]+:[0-9]+: error:.*//' | sort -u |
    sed 's/^/check_format: not formatted: /' >&2
  rm -f /tmp/creditd-format.$$
  echo "check_format: run 'make format'" >&2
  exit 1
fi
rm -f /tmp/creditd-format.$$
echo "check_format: ${#files[@]} files formatted"
