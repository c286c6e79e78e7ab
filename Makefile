# Developer entry points: 'make test' is the one test command (.ci/run calls it); 'make build' puts velocc in bin/.
# 'make test' also runs the conformance suite (conformance/, its own module: velocc against DuckDB).

GOFILES = find . -path ./.git -prune -o -path ./.cache -prune -o -path ./bin -prune -o -name '*.go' -print

.PHONY: test build

test:
	go vet ./...
	@unformatted=$$($(GOFILES) | xargs gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	go test ./...
	cd conformance && go vet ./... && go test ./...

build:
	go build -o bin/velocc ./cmd/velocc

# 'make demo': the order-flow imbalance job of examples/trading, end to end. It builds velocc, generates 200000
# orders (examples/trading/data/, git-ignored), compiles orderflow.sql into a module in examples/trading/out/
# (git-ignored), builds that job and runs it over the orders: the alert rows go to stdout, the job's record counts
# to stderr.
DEMO      = examples/trading
DEMO_DATA = $(DEMO)/data/orders.jsonl
DEMO_OUT  = $(DEMO)/out

.PHONY: demo

demo:
	go build -o bin/velocc ./cmd/velocc
	go run ./$(DEMO)/gen -n 200000 -seed 1 -o $(DEMO_DATA)
	bin/velocc build $(DEMO)/orderflow.sql -o $(DEMO_OUT)/
	cd $(DEMO_OUT) && go build -o orderflow .
	$(DEMO_OUT)/orderflow --bounded --source order_book_stream=file:$(abspath $(DEMO_DATA))
