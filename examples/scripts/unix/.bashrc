# ~/.bashrc: an old Go setup, copied from a blog post years ago.

# SH003: Go finds its own GOROOT; this one goes stale on the next upgrade.
export GOROOT=/usr/local/Cellar/go/1.21.0/libexec
export GOPATH="$HOME/go"

export PATH="$GOROOT/bin:$PATH"

# SH005: a quoted ~ is not expanded; only bash itself finds commands in "~/go/bin".
export PATH="$PATH:~/go/bin"
