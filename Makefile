# civicgraph: `make run` serves the built-in dataset on 127.0.0.1:8080 with the
# offline playground (`make run ARGS='-addr 127.0.0.1:9090'` passes flags);
# `make build` builds ./civicgraph; `make test` runs every test (PostgreSQL and
# Chromium are installed by .ci/run).
GO ?= go
# The binary make build writes, and the flags make run passes it.
BIN ?= civicgraph
ARGS ?=

include Makefile.playground.mk

.PHONY: run build test race fuzz deps bench generate check-generate

# -buildvcs=true: the binary's -version names its revision even where
# GOFLAGS=-buildvcs=false is set (a build outside a git checkout says
# "(devel)").
build: playground
	$(GO) build -buildvcs=true -o $(BIN) .

run: build
	$(abspath $(BIN)) $(ARGS)

test: deps playground
	$(GO) test -count=1 ./...
	$(MAKE) race
	$(MAKE) fuzz
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x ./...

# The packages with concurrency, under the race detector: the server and its
# fault tests (reloads under load, PostgreSQL stopped), the HTTP layer,
# linked data, reconciliation, the rate limiter and metrics; then the stores,
# but for the suite's Fragments reads, which hold no concurrency and take
# minutes under the detector.
RACE_PKGS ?= . ./gqlhttp/... ./graph/... ./linkeddata/... ./reconcile/... ./ratelimit/... ./metrics/... ./reqlog/... ./search/...
race:
	$(GO) test -count=1 -race $(RACE_PKGS)
	$(GO) test -count=1 -race -skip '/^Fragments$$' ./store/...

# Every fuzz target for FUZZTIME each (scripts/fuzz.sh).
FUZZTIME ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash scripts/fuzz.sh

# Installs PostgreSQL, Chromium and Node.js from Debian's packages when missing.
deps:
	bash scripts/deps.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

generate:
	$(GO) generate ./...

# CI fails when the generated code is stale.
check-generate: generate
	git diff --exit-code -- graph/ bench/gqlmin/ go.mod go.sum
