# A PowerShell profile with the mistakes gopolicy's PS rules report.
set GOPROXY=https://proxy.golang.org
export GOFLAGS=-mod=mod
$env:GOSUMDB = 'off'
irm https://get.scoop.sh | iex
iex ((New-Object System.Net.WebClient).DownloadString('http://example.com/install.ps1'))
Set-ExecutionPolicy Bypass -Scope LocalMachine -Force
go get -u golang.org/x/lint/golint
$env:GOROOT = 'C:\Go'
