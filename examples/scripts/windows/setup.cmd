@echo off
rem A batch file with the mistakes gopolicy's CMD rules report.
set GOPATH = C:\go
$env:GOBIN = "C:\go\bin"
setx PATH "%PATH%;C:\go\bin"
go env -w GOSUMDB=off
