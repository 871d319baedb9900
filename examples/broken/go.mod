module example.com/broken

go 1.22.0

requires golang.org/x/mod v0.20.0
