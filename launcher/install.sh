#!/usr/bin/env bash
# Packs launcher/Hpc.Launcher and installs it as a local .NET tool of this repository, so that
# `dotnet mpirun` works anywhere inside it. Idempotent: re-running re-packs and reinstalls the
# same version, dropping NuGet's cached copy so the fresh package is the one installed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$repo/launcher/Hpc.Launcher/Hpc.Launcher.csproj"
feed="$repo/.packages"
cd "$repo"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
run() { # run quietly; show the output only when the step fails
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "install.sh: failed: $*" >&2
    exit 1
  fi
}

version="$(dotnet msbuild "$project" -getProperty:Version -nologo | tr -d '[:space:]')"
[ -n "$version" ] || { echo "install.sh: cannot read the launcher's version" >&2; exit 1; }

run dotnet pack "$project" -c Release -o "$feed" --nologo -v q
# NuGet never re-extracts a version it has cached; a re-pack of the same version would be ignored.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/hpc.launcher/$version"

[ -f "$repo/.config/dotnet-tools.json" ] || run dotnet new tool-manifest --output "$repo/.config"
if dotnet tool list --local 2>/dev/null | awk 'NR > 2 { print tolower($1) }' | grep -qx 'hpc.launcher'; then
  run dotnet tool update --local --add-source "$feed" Hpc.Launcher --version "$version" --allow-downgrade
else
  run dotnet tool install --local --add-source "$feed" Hpc.Launcher --version "$version"
fi

installed="$(dotnet mpirun --version 2>&1)" || { echo "$installed" >&2; echo "install.sh: dotnet mpirun does not run" >&2; exit 1; }
echo "installed: dotnet mpirun $version"
