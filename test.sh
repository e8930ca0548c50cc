#!/usr/bin/env bash
# The test command: on Debian 12 / Ubuntu 22.04+ with the .NET 10 SDK, installs the system packages the tests need
# (.ci/packages; as root), builds the solution, starts the one-node Slurm cluster (as root), runs the Expecto suite and
# ends with "N passed, N failed". Not root and packages missing: prints the apt-get line that installs them and stops
# before building. Arguments are passed to Expecto (e.g. ./test.sh --filter-test-list "CLI errors").
set -uo pipefail
cd "$(dirname "$0")"

# --- system packages -----------------------------------------------------------------------------------------------
mapfile -t packages < <(sed -e 's/#.*//' .ci/packages | awk 'NF { print $1 }')
missing=()
if command -v dpkg-query >/dev/null; then
    for package in "${packages[@]}"; do
        case "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" in
            *" installed") ;;
            *) missing+=("$package") ;;
        esac
    done
else
    echo "warning: dpkg-query not found (not Debian or Ubuntu): the tests need the equivalents of: ${packages[*]}" >&2
fi
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: the tests need system packages that are not installed: ${missing[*]}" >&2
        echo "install them as root, then run ./test.sh again:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "installing ${missing[*]}"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
        echo "warning: apt-get could not install ${missing[*]}; the tests that need them will fail, naming the package" >&2
    fi
fi

# --- build ---------------------------------------------------------------------------------------------------------
if ! command -v dotnet >/dev/null; then
    echo "error: dotnet not found: install the .NET 10 SDK (https://dotnet.microsoft.com/download)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
if ! dotnet build WganGp.sln -c Release -nologo -clp:ErrorsOnly; then
    echo "error: the build failed (messages above)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

# --- the Slurm test's cluster: if it cannot start, that test fails with the reason (no other test needs it) ----------
if [ "$(id -u)" -eq 0 ]; then
    .ci/slurm-up || echo "warning: .ci/slurm-up failed; the Slurm test will fail" >&2
fi

# --- the suite -----------------------------------------------------------------------------------------------------
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$(date +%s)
dotnet run --project WganGp.Tests -c Release --no-build -- --colours 0 --summary "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
seconds=$(( $(date +%s) - started ))

# Expecto's closing line: "N tests run in ... – P passed, I ignored, F failed, E errored."
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -oE '[0-9]+ passed, [0-9]+ ignored, [0-9]+ failed, [0-9]+ errored' | tail -n 1)
if [ -z "$summary" ]; then
    echo "error: no test summary found (the test process exited with $status)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
read -r passed ignored failed errored <<<"$(echo "$summary" | grep -oE '[0-9]+' | tr '\n' ' ')"
echo
echo "suite: $((seconds / 60)) min $((seconds % 60)) s on $(nproc) cores"
if [ "$ignored" -ne 0 ]; then echo "($ignored ignored tests: none should be)"; fi
echo "$passed passed, $((failed + errored)) failed"
if [ "$ignored" -ne 0 ]; then exit 1; fi
exit "$status"
