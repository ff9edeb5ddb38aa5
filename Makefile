# civicgraph: `make run` serves the built-in dataset on 127.0.0.1:8080 with the
# offline playground; `make test` runs every test (PostgreSQL and Chromium are
# installed by .ci/run).
GO ?= go

include Makefile.playground.mk

.PHONY: run test deps bench generate check-generate

run: playground
	$(GO) run .

test: deps playground
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x ./...

# Installs PostgreSQL, Chromium and Node.js from Debian's packages when missing.
deps:
	bash scripts/deps.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

generate:
	$(GO) generate ./...

# CI fails when the generated code is stale.
check-generate: generate
	git diff --exit-code -- graph/ go.mod go.sum
