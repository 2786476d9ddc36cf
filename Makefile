# Shortcuts; each target is one documented command of the README.
.PHONY: run test build load bench bench-sqlite

run: ## run the product on its embedded default (SQLite + in-process Redis, demo tenants)
	go run -tags nomsgpack -gcflags=all=-dwarf=false ./cmd/samvirke

test: ## the whole test suite on PostgreSQL + Redis and on SQLite + embedded Redis
	./.ci/test

build: ## build the binary into bin/
	CGO_ENABLED=0 go build -tags nomsgpack -trimpath -o bin/samvirke ./cmd/samvirke

load: ## load run: 20 signed-in demo users browse at once on PostgreSQL + Redis (127.0.0.1, database samvirke_load, Redis db 9); p50/p95/p99 per page to .ci/artifacts/
	go run -tags nomsgpack ./cmd/samvirke-load $(LOAD_FLAGS)

bench: ## the same load run on the scale data set (750 municipalities …), built into database samvirke_bench when missing
	go run -tags nomsgpack ./cmd/samvirke-load --data scale --postgres 'postgres://postgres@127.0.0.1:5432/samvirke_bench?sslmode=disable' $(LOAD_FLAGS)

BENCH_SQLITE ?= /var/tmp/samvirke-bench.db
bench-sqlite: ## the same load run on the embedded default: the scale data set in a SQLite file (built into $(BENCH_SQLITE) when missing) and the in-process Redis
	go run -tags nomsgpack ./cmd/samvirke-load --data scale --sqlite $(BENCH_SQLITE) $(LOAD_FLAGS)
