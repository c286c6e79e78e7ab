# Developer entry points: 'make test' is the one test command (.ci/run calls it); 'make build' puts velocc in bin/.

GOFILES = find . -path ./.git -prune -o -path ./.cache -prune -o -path ./bin -prune -o -name '*.go' -print

.PHONY: test build

test:
	go vet ./...
	@unformatted=$$($(GOFILES) | xargs gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	go test ./...

build:
	go build -o bin/velocc ./cmd/velocc
