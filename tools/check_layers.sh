#!/usr/bin/env bash
# Enforces the dependency rule of DESIGN.md section 3 on #include lines:
#   common <- domain <- app <- {storage, payments, security, http, jobs} <- main
# src/common and src/domain may include only the standard library (and common/, domain/);
# src/app may not include adapters or third-party libraries; adapters never include each other,
# except that a payment provider's own routes (src/payments/<provider>/*_routes.{h,cc}: its
# pages and callbacks) are built on http/.
set -euo pipefail
cd "$(dirname "$0")/.."
failures=0

fail() {
  echo "check_layers: $1" >&2
  failures=$((failures + 1))
}

# Prints "file:line:include-target" for every #include in a folder. Tests (*_test.cc) may use
# test frameworks and real adapters, so they are exempt.
includes() {
  grep -rnE '^\s*#\s*include\s*[<"]' "$1" --include='*.h' --include='*.cc' --exclude='*_test.cc' |
    sed -E 's/^([^:]+:[0-9]+):\s*#\s*include\s*([<"][^>"]+[>"]).*/\1:\2/'
}

# Standard C++ headers have no slash and no extension: <vector>, <cstdint>.
is_std() { [[ "$1" =~ ^\<[a-z_0-9]+\>$ ]]; }

check_folder() {
  local folder="$1" allowed_regex="$2" allow_third_party="$3"
  while IFS= read -r line; do
    local location="${line%:*}" target="${line##*:}"
    if [[ "$target" == \"* ]]; then
      local path="${target//\"/}"
      if ! [[ "$path" =~ $allowed_regex ]]; then
        fail "$location includes \"$path\", which $folder may not depend on"
      fi
    elif ! is_std "$target" && [ "$allow_third_party" = no ]; then
      fail "$location includes $target; $folder may include only the standard library"
    fi
  done < <(includes "$folder")
}

check_folder src/common '^common/' no
check_folder src/domain '^(common|domain)/' no
check_folder src/app '^(common|domain|app)/' no
check_folder src/storage '^(common|domain|app|storage)/' yes
check_folder src/security '^(common|domain|app|security)/' yes
check_folder src/http '^(common|domain|app|http)/' yes
check_folder src/jobs '^(common|domain|app|jobs)/' yes
check_folder src/runners '^(common|domain|app|runners)/' yes
# A provider's routes may use http/; the rest of a provider folder may not.
check_payments() {
  while IFS= read -r line; do
    local location="${line%:*}" target="${line##*:}" file="${line%%:*}" allowed
    [[ "$target" == \"* ]] || continue
    local path="${target//\"/}"
    allowed='^(common|domain|app|payments)/'
    if [[ "$file" =~ _routes\.(h|cc)$ ]]; then
      allowed='^(common|domain|app|payments|http)/'
    fi
    if ! [[ "$path" =~ $allowed ]]; then
      fail "$location includes \"$path\", which src/payments may not depend on"
    fi
  done < <(includes src/payments)
}
check_payments

if [ "$failures" -gt 0 ]; then
  echo "check_layers: $failures violation(s)" >&2
  exit 1
fi
echo "check_layers: dependency rule holds"
