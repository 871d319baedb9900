#!/bin/sh
# Sets up a developer machine for the service.
set -eu

# SH001: the installer runs as it downloads, unreviewed.
curl -fsSL https://example.com/golangci-lint/install.sh | sh -s -- -b "$(go env GOPATH)/bin" v1.59.1

# SH002: over plain http anyone on the path can change the script.
wget -qO- http://get.example.com/protoc.sh | sudo bash

# SH004: go get no longer installs commands (Go 1.18).
go get -u golang.org/x/lint/golint
go install golang.org/x/tools/cmd/goimports@latest

cat <<'EOF' > README.tools
These are not commands: export GOROOT=/opt/go, curl http://x | sh, go get golang.org/x/lint/golint
EOF
