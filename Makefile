# Developer entry points: 'make test' is the one test command (.ci/run calls it); 'make build' puts velocc in bin/.
# 'make test' also runs the conformance suite (conformance/, its own module: velocc against DuckDB).

GOFILES = find . -path ./.git -prune -o -path ./.cache -prune -o -path ./bin -prune -o -name '*.go' -print

.PHONY: test build kcat chromium

# TEST_TIMEOUT bounds each test binary (go test -timeout). go test's default, 10 minutes, is less than the
# end-to-end, velocc and conformance packages take on a loaded machine; their tests wait for progress, not for a
# duration, so this only stops a test that hangs.
TEST_TIMEOUT ?= 90m

# The main module's tests run with a real Kafka broker: internal/kafkatest/broker fetches Apache Kafka with mvn into
# .cache/kafka/ (first run only), starts a single-node broker on 127.0.0.1 and runs 'go test ./...' with
# VELOCC_TEST_BROKERS set to it. VELOCC_TEST_REQUIRE_KAFKA=1 turns the skip of a test that finds no broker or no
# kcat into a failure, so that this target never passes without having run them.
# RACE_TESTS are the runtime's tests of state that several goroutines touch; 'make test' runs them again under the
# race detector (the end-to-end tests build their jobs of several inputs with -race themselves).
RACE_TESTS = TestSharedLockReset|TestMetricConcurrent|TestSpillSources|Concurrent

test: kcat chromium
	go vet ./...
	@unformatted=$$($(GOFILES) | xargs gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	VELOCC_TEST_REQUIRE_KAFKA=1 VELOCC_TEST_REQUIRE_BROWSER=1 go run ./internal/kafkatest/broker -- go test -timeout $(TEST_TIMEOUT) ./...
	go test -race -timeout $(TEST_TIMEOUT) -run '$(RACE_TESTS)' ./rt
	cd conformance && go vet ./... && go test -timeout $(TEST_TIMEOUT) ./...

# kcat (Debian's package, built on librdkafka) is the second Kafka client of the tests. As root with apt-get it is
# installed here; otherwise its absence stops 'make test' with a message.
kcat:
	@command -v kcat >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing kcat with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q kcat >/dev/null 2>&1 || \
	    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q kcat; }; \
	  else \
	    echo "make test needs kcat for its Kafka tests: apt-get install kcat (as root)"; exit 1; \
	  fi; }

# Chromium (Debian's package) renders a job's status page in the test of its HTTP server (internal/e2e/ops_test.go);
# VELOCC_TEST_REQUIRE_BROWSER=1 makes that test fail rather than skip without it.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing chromium with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }; \
	  else \
	    echo "make test needs chromium for the status page's test: apt-get install chromium (as root)"; exit 1; \
	  fi; }

build:
	go build -o bin/velocc ./cmd/velocc

# 'make demo': the jobs of examples/trading, end to end. It builds velocc, generates 200000 orders and three
# reference tables (examples/trading/data/, git-ignored), compiles orderflow.sql and enrichment.sql into modules in
# examples/trading/out/ (git-ignored), builds the jobs and runs them over the orders: the order-flow alerts, then the
# volume per sector and the compliance rows of the enrichment job go to stdout (its enriched orders to
# data/enriched_orders.jsonl), the jobs' record counts to stderr.
DEMO      = examples/trading
DEMO_DATA = $(DEMO)/data/orders.jsonl
DEMO_OUT  = $(DEMO)/out

.PHONY: demo

demo:
	go build -o bin/velocc ./cmd/velocc
	go run ./$(DEMO)/gen -n 200000 -seed 1 -o $(DEMO_DATA) -tables $(DEMO)/data
	bin/velocc build $(DEMO)/orderflow.sql -o $(DEMO_OUT)/
	cd $(DEMO_OUT) && go build -o orderflow .
	$(DEMO_OUT)/orderflow --bounded --source order_book_stream=file:$(abspath $(DEMO_DATA))
	bin/velocc build $(DEMO)/enrichment.sql -o $(DEMO_OUT)/enrichment/
	cd $(DEMO_OUT)/enrichment && go build -o enrichment .
	cd $(DEMO) && out/enrichment/enrichment --bounded

# 'make kafka': a single-node Apache Kafka for trying the Kafka examples, in the foreground until Ctrl-C: on
# 127.0.0.1:9092, or a free port when that one is taken (the address is printed), with its data and log in
# .cache/kafka-local/ (kept across runs; remove it to start empty). It is the tests' broker: the jars come from
# Maven Central with mvn into .cache/kafka/ (first run only; Java 17 and Maven must be installed). Flags, e.g.
# KAFKA_FLAGS='-port 19092': see internal/kafkalocal.
KAFKA_FLAGS ?=

.PHONY: kafka

kafka:
	go run ./internal/kafkalocal $(KAFKA_FLAGS)

# 'make bench-kafka': Kafka-to-Kafka throughput of velocc jobs against a plain franz-go consume-and-produce loop,
# all on one throwaway broker (internal/kafkatest/broker, as for 'make test'). It prints a Markdown table and writes
# it into docs/kafka-performance.md. Flags, e.g. BENCH_KAFKA_FLAGS='-n 500000 -reps 5': see internal/kafkabench.
BENCH_KAFKA_FLAGS ?=

.PHONY: bench-kafka

bench-kafka:
	go run ./internal/kafkatest/broker -- go run ./internal/kafkabench $(BENCH_KAFKA_FLAGS)

# 'make bench': velocc jobs against DuckDB (threads=1 and 2) on the same generated files, in the same run,
# interleaved: rows/s, peak RSS and build time per workload, with a correctness check of every workload's output.
# The program lives in the conformance module (it links DuckDB); its data goes to .cache/bench/ (git-ignored). It
# prints a Markdown table and writes it into docs/performance.md. Flags, e.g. BENCH_FLAGS='-rows 500000 -reps 5':
# see conformance/bench or 'cd conformance && go run ./bench -h'.
BENCH_FLAGS ?=

.PHONY: bench

bench:
	cd conformance && go run ./bench $(BENCH_FLAGS)
