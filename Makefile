# Shortcuts; each target is one documented command of the README.
.PHONY: run test build

run: ## run the product on its embedded default (SQLite + in-process Redis, demo tenants)
	go run -tags nomsgpack -gcflags=all=-dwarf=false ./cmd/samvirke

test: ## the whole test suite on PostgreSQL + Redis and on SQLite + embedded Redis
	./.ci/test

build: ## build the binary into bin/
	CGO_ENABLED=0 go build -tags nomsgpack -trimpath -o bin/samvirke ./cmd/samvirke
