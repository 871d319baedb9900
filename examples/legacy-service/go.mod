module example.com/legacy-service

go 1.19

toolchain go1.18.10

require (
	github.com/pkg/errors v0.9.1
	golang.org/x/net v0.17.0
	github.com/pkg/errors v0.8.1
)

exclude golang.org/x/net v0.16.0

// gopolicy:ignore MOD009 until=2024-06-30 the fork was to be upstreamed by then
replace golang.org/x/net => ../forks/net

replace github.com/pkg/errors => github.com/example/errors v0.9.2

retract [v1.0.0, v1.0.5]
