#!/usr/bin/env bats
# The engine configuration in the README is the configuration the engine
# tests use: every `<!-- snippet: NAME -->` block in README.md must be
# byte-identical to the block of the same name in docs/engines.md (which
# tests/engines/ read) or, for containerd-brig.toml, to the deploy file.

setup() {
    repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
}

# block FILE NAME: the fenced block after the snippet marker
block() {
    awk -v want="<!-- snippet: $2 -->" '
        $0 == want { armed = 1; next }
        armed && /^```/ { if (inside) exit; inside = 1; next }
        inside { print }' "$1"
}

@test "README engine snippets are the ones the engine tests use" {
    names=$(sed -n 's/^<!-- snippet: \(.*\) -->$/\1/p' "$repo/README.md")
    [ -n "$names" ]
    n=0
    for name in $names; do
        readme=$(block "$repo/README.md" "$name")
        [ -n "$readme" ]
        if [ "$name" = containerd-brig.toml ]; then
            want=$(grep -v '^#' "$repo/deploy/kubernetes/containerd-brig.toml")
        else
            want=$(block "$repo/docs/engines.md" "$name")
        fi
        [ "$readme" = "$want" ] || { echo "README snippet $name differs"; diff <(echo "$readme") <(echo "$want"); return 1; }
        n=$((n + 1))
    done
    [ "$n" -ge 4 ]
}
