// gopolicy:ignore-file MOD003 we still support Go 1.20 users until the next major version
module example.com/library

go 1.20

toolchain go1.22

require golang.org/x/mod v0.20.0 // gopolicy:ignore MOD007 kept for a reason that went away
