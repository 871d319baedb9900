module example.com/clean

go 1.22.0

toolchain go1.23.4

require (
	golang.org/x/mod v0.20.0
	golang.org/x/text v0.16.0 // indirect
)

// v1.3.0 published a broken API; use v1.3.1.
retract v1.3.0
