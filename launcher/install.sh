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
# PATH: unless ~/.dotnet/tools is on PATH already, the commands are linked into ~/.local/bin or
# /usr/local/bin when one of them is on PATH and writable, else ~/.dotnet/tools is appended to PATH
# in ~/.profile (and ~/.bashrc, ~/.zshrc where they exist) for later shells. HPC_NO_MODIFY_PATH=1
# does neither. A script cannot change the PATH of the shell that runs it, hence the README's
# `export PATH="$PATH:$HOME/.dotnet/tools"` after it.
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

# PATH. Nothing to do when ~/.dotnet/tools is on it. Otherwise the three commands are linked into
# a directory already on PATH that we may write (~/.local/bin, else /usr/local/bin), so that they
# work at once and in every later shell, interactive or not (scripts, ssh HOST cmd, cron); failing
# that, ~/.dotnet/tools is appended to PATH in the shell profiles, for later interactive shells.
# No command is named mpirun or mpiexec: Open MPI's and MPICH's stay what they are.
commands=(dotnet-mpirun dotnet-mpiexec hpc-bench)
marker='# .NET global tools (dotnet mpirun, hpc-bench), added by Hpc launcher/install.sh'
line='case ":$PATH:" in *":$HOME/.dotnet/tools:"*) ;; *) export PATH="$PATH:$HOME/.dotnet/tools" ;; esac'
hint="export PATH=\"\$PATH:$tools\""
path_note=""
link_dir=""
case ":$PATH:" in
  *":$tools:"*) ;;
  *)
    if [ "${HPC_NO_MODIFY_PATH:-0}" = 1 ]; then
      path_note="$tools is not on PATH; add it, e.g. in your shell's profile: $hint"
    else
      for dir in "$HOME/.local/bin" /usr/local/bin; do
        case ":$PATH:" in *":$dir:"*) ;; *) continue ;; esac
        [ -d "$dir" ] && [ -w "$dir" ] || continue
        # Only our own links are replaced; a file of another program with the same name stays.
        clash=""
        for c in "${commands[@]}"; do
          if [ -e "$dir/$c" ] && [ ! -L "$dir/$c" ]; then clash="$dir/$c"; fi
        done
        [ -z "$clash" ] || { echo "install.sh: not linking into $dir: $clash exists and is not a link" >&2; continue; }
        for c in "${commands[@]}"; do ln -sfn "$tools/$c" "$dir/$c"; done
        link_dir="$dir"
        break
      done
      if [ -n "$link_dir" ]; then
        path_note="linked ${commands[*]} into $link_dir (on PATH); remove those links to undo"
      elif [ -n "${DOTNET_CLI_HOME:-}" ]; then
        path_note="$tools is not on PATH; add it, e.g. in your shell's profile: $hint"
      else
        changed=()
        for profile in "$HOME/.profile" "$HOME/.bashrc" "$HOME/.zshrc"; do
          # ~/.profile is read by login shells; ~/.bashrc and ~/.zshrc only when they already exist.
          [ -f "$profile" ] || [ "$profile" = "$HOME/.profile" ] || continue
          grep -qF "$marker" "$profile" 2>/dev/null && continue
          printf '\n%s\n%s\n' "$marker" "$line" >>"$profile"
          changed+=("$profile")
        done
        path_note="new login and interactive shells have $tools on PATH${changed:+ (added to ${changed[*]})}; in this shell: $hint"
      fi
    fi
    ;;
esac

echo "installed Hpc $version: dotnet mpirun, dotnet mpiexec, hpc-bench (in $tools) and the template hpc-app; packages in $feed"
[ -z "$path_note" ] || echo "install.sh: $path_note"
