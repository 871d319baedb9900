module example.com/ci-service

go 1.23.0
