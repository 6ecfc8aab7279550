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

[ -f "$repo/.config/dotnet-tools.json" ] || run dotnet new tool-manifest --output "$repo/.config"
# mpirun, and mpiexec (the same launcher under MPICH's and MPI.NET's name).
for package in Hpc.Launcher Hpc.Mpiexec; do
  run dotnet pack "$repo/launcher/$package/$package.csproj" -c Release -o "$feed" --nologo -v q
  # NuGet never re-extracts a version it has cached; a re-pack of the same version would be ignored.
  id="$(echo "$package" | tr '[:upper:]' '[:lower:]')"
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id/$version"
  if dotnet tool list --local 2>/dev/null | awk 'NR > 2 { print tolower($1) }' | grep -qx "$id"; then
    run dotnet tool update --local --add-source "$feed" "$package" --version "$version" --allow-downgrade
  else
    run dotnet tool install --local --add-source "$feed" "$package" --version "$version"
  fi
done

installed="$(dotnet mpirun --version 2>&1)" || { echo "$installed" >&2; echo "install.sh: dotnet mpirun does not run" >&2; exit 1; }
installed="$(dotnet mpiexec --version 2>&1)" || { echo "$installed" >&2; echo "install.sh: dotnet mpiexec does not run" >&2; exit 1; }
echo "installed: dotnet mpirun $version (and dotnet mpiexec)"
