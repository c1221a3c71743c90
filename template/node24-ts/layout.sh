#!/bin/sh
# Lays a faas-cli build context out like the repository, so that a handler's `../../shared/…`
# imports resolve in the image exactly as they do in the repository.
#
#   faas-cli build context (build/<fn>/)        laid out as ($2)
#   function/<handler files>                    functions/function/<handler files>
#   function/shared/          (configuration.copy)   shared/
#   function/package*.json    (configuration.copy)   package.json, package-lock.json
#
# The Dockerfile runs it; the template's layout test runs the same script.
set -eu

context=${1:?usage: layout.sh <build-context> <output-folder>}
out=${2:?usage: layout.sh <build-context> <output-folder>}

for required in function/shared function/package.json function/package-lock.json; do
  if [ ! -e "$context/$required" ]; then
    echo "layout.sh: $required is missing from the build context; stack.yml must list ./shared, ./package.json and ./package-lock.json under configuration.copy" >&2
    exit 1
  fi
done

mkdir -p "$out/template/node24-ts" "$out/functions/function"
cp "$context"/*.ts "$out/template/node24-ts/"
cp -R "$context/function/shared" "$out/shared"
cp "$context/function/package.json" "$context/function/package-lock.json" "$out/"
for entry in "$context"/function/*; do
  case "$(basename "$entry")" in
    shared | package.json | package-lock.json) ;;
    *) cp -R "$entry" "$out/functions/function/" ;;
  esac
done
