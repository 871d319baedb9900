module example.com/pinned-toolchain

go 1.22.0

toolchain go1.22.0
