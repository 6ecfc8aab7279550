#!/usr/bin/env bash
# Builds every Hpc package into this clone's feed folder and installs them for the current user:
#
#   artifacts/packages/   the feed: Hpc and Hpc.MpiNet (with .snupkg symbols), the tools
#                         Hpc.Launcher, Hpc.Mpiexec and Hpc.Bench, the template package Hpc.Templates
#   global .NET tools     dotnet-mpirun, dotnet-mpiexec, hpc-bench in ~/.dotnet/tools, so
#                         `dotnet mpirun`, `dotnet mpiexec` and `hpc-bench` work from any directory
#   dotnet new template   hpc-app, a ready Allreduce program referencing the package Hpc
#
# Versions: every run packs 0.1.0-dev.<UTC yyyyMMddHHmmss>.p<7 hex of SHA-1 of this clone's path>,
# so no two builds, of this clone or of another one, ever share an id and version. NuGet's cache
# never re-reads a version it holds; since none repeats, the cache never needs deleting, and the
# projects that restored an older build keep it. The feed holds only the newest build.
#
# PATH: ~/.dotnet/tools is added to PATH for later shells (~/.profile, ~/.bashrc, ~/.zshrc if
# present) unless it is already on PATH or HPC_NO_MODIFY_PATH=1; this script cannot change the
# PATH of the shell that runs it: there, `export PATH="$PATH:$HOME/.dotnet/tools"`.
#
# Idempotent: run it again after changing the sources and it installs the new build.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="$repo/artifacts/packages"
tools="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools"
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

prefix="$(dotnet msbuild "$repo/templates/Hpc.Templates/Hpc.Templates.csproj" -getProperty:VersionPrefix -nologo | tr -d '[:space:]')"
[ -n "$prefix" ] || { echo "install.sh: cannot read VersionPrefix from Directory.Build.props" >&2; exit 1; }
clone="$(printf '%s' "$repo" | sha1sum | cut -c1-7)"
suffix="dev.$(date -u +%Y%m%d%H%M%S).p$clone"
version="$prefix-$suffix"

# The feed holds one build: older packages go (NuGet's cache keeps what was restored from them).
mkdir -p "$feed"
rm -f "$feed"/*.nupkg "$feed"/*.snupkg
run dotnet pack "$repo/Hpc.Packages.slnf" -c Release --nologo -v q -p:VersionSuffix="$suffix"
for id in Hpc Hpc.MpiNet Hpc.Launcher Hpc.Mpiexec Hpc.Bench Hpc.Templates; do
  [ -f "$feed/$id.$version.nupkg" ] || { echo "install.sh: $feed/$id.$version.nupkg was not packed" >&2; exit 1; }
done

# Global tools (update installs a tool that is not installed yet, and replaces any other version).
for id in Hpc.Launcher Hpc.Mpiexec Hpc.Bench; do
  run dotnet tool update --global --add-source "$feed" "$id" --version "$version" --allow-downgrade
done

# The template, for `dotnet new hpc-app`; --force replaces the one of an earlier build.
run dotnet new install "$feed/Hpc.Templates.$version.nupkg" --force

# What the user will run, run once: the tools by the names a shell finds them under.
expected="mpirun (Hpc.Launcher) $version"
installed="$(PATH="$PATH:$tools" dotnet mpirun --version 2>&1)" || { echo "$installed" >&2; echo "install.sh: dotnet mpirun does not run" >&2; exit 1; }
[ "$installed" = "$expected" ] || { echo "install.sh: dotnet mpirun reports '$installed', expected '$expected' (another dotnet-mpirun earlier on PATH?)" >&2; exit 1; }
installed="$(PATH="$PATH:$tools" dotnet mpiexec --version 2>&1)" || { echo "$installed" >&2; echo "install.sh: dotnet mpiexec does not run" >&2; exit 1; }
run env PATH="$PATH:$tools" hpc-bench --help

# Later shells: ~/.dotnet/tools on PATH (appended, so nothing here shadows Open MPI's mpirun).
line='case ":$PATH:" in *":$HOME/.dotnet/tools:"*) ;; *) export PATH="$PATH:$HOME/.dotnet/tools" ;; esac'
marker='# .NET global tools (dotnet mpirun, hpc-bench), added by Hpc launcher/install.sh'
path_note=""
case ":$PATH:" in
  *":$tools:"*) ;;
  *)
    if [ "${HPC_NO_MODIFY_PATH:-0}" = 1 ] || [ -n "${DOTNET_CLI_HOME:-}" ]; then
      path_note="add $tools to PATH, e.g. in your shell's profile: export PATH=\"\$PATH:$tools\""
    else
      changed=()
      for profile in "$HOME/.profile" "$HOME/.bashrc" "$HOME/.zshrc"; do
        # ~/.profile is read by login shells; ~/.bashrc and ~/.zshrc only when they already exist.
        [ -f "$profile" ] || [ "$profile" = "$HOME/.profile" ] || continue
        grep -qF "$marker" "$profile" 2>/dev/null && continue
        printf '\n%s\n%s\n' "$marker" "$line" >>"$profile"
        changed+=("$profile")
      done
      path_note="new shells have $tools on PATH${changed:+ (added to ${changed[*]})}; in this shell: export PATH=\"\$PATH:$tools\""
    fi
    ;;
esac

echo "installed Hpc $version: dotnet mpirun, dotnet mpiexec, hpc-bench (in $tools) and the template hpc-app; packages in $feed"
[ -z "$path_note" ] || echo "install.sh: $path_note"
