module example.com/ci-service/tools

go 1.23.0
