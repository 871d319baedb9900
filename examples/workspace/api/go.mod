module example.com/workspace/api

go 1.23.0
