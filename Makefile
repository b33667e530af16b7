# spate — run `make help` for the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/spate
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.7.0
DATA ?= .spate
DURATION ?=
TEST_TIMEOUT ?= 14m
FUZZTIME ?= 30s

.DEFAULT_GOAL := help
.PHONY: help build run test bench lint fuzz chaos clean

help: ## list the targets
	@grep -hE '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build bin/spate
	$(GO) build -o $(BIN) ./cmd/spate

run: build ## start the embedded default on localhost (data under ./.spate)
	./$(BIN) dev --data $(DATA) $(if $(DURATION),--duration $(DURATION))

test: ## vet and run every test (kcat tests run when kcat is installed)
	$(GO) vet ./...
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

bench: build ## run the benchmarks (broker vs kfake, engine, end to end)
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

lint: ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

chaos: ## the slow fault-injection suites (SPATE_CHAOS=1)
	SPATE_CHAOS=1 $(GO) test -count=1 -timeout 60m -run 'Chaos|RandomKills' ./broker/... ./internal/e2e/...

clean: ## remove build output and local data
	rm -rf bin $(DATA)
