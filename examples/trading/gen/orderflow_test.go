package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOrderflowJob runs what 'make demo' runs: it builds velocc, compiles ../orderflow.sql into a module, builds the
// job and runs it --bounded over generated orders, then compares the alert rows with expectedAlerts, an oracle that
// evaluates the query directly in Go.
func TestOrderflowJob(t *testing.T) {
	if testing.Short() {
		t.Skip("builds velocc and a generated job")
	}
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	run := func(name string, args ...string) []byte {
		t.Helper()
		c := exec.CommandContext(t.Context(), name, args...)
		c.Dir = root
		var stderr bytes.Buffer
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
		}
		if name != "go" && stderr.Len() > 0 {
			t.Logf("%s stderr:\n%s", filepath.Base(name), stderr.Bytes())
		}
		return out
	}

	cfg := testConfig(1)
	var data bytes.Buffer
	if _, err := generate(&data, cfg, nil); err != nil {
		t.Fatal(err)
	}
	orders := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(orders, data.Bytes(), 0o666); err != nil {
		t.Fatal(err)
	}

	velocc := filepath.Join(dir, "velocc")
	run("go", "build", "-o", velocc, "./cmd/velocc")
	module := filepath.Join(dir, "orderflow") + string(filepath.Separator)
	run(velocc, "build", filepath.Join("examples", "trading", "orderflow.sql"), "-o", module)
	job := filepath.Join(dir, "orderflow", "orderflow")
	c := exec.CommandContext(t.Context(), "go", "build", "-o", job, ".")
	c.Dir = module
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("go build in the generated module: %v\n%s", err, out)
	}

	c = exec.CommandContext(t.Context(), job, "--bounded", "--source", "order_book_stream=file:"+orders)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("orderflow --bounded: %v\n%s", err, stderr.Bytes())
	}
	if !strings.Contains(stderr.String(), "order_book_stream: read 60000, bad 0, late 0\n") {
		t.Errorf("stats on stderr: want every order read and none late, got:\n%s", stderr.Bytes())
	}

	var got []alert
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var a alert
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("output row %s: %v", sc.Bytes(), err)
		}
		got = append(got, a)
	}
	want := expectedAlerts(readOrders(t, data.Bytes(), cfg))
	if len(want) == 0 {
		t.Fatal("the oracle expects no alerts; the test data has no bursts")
	}
	// Windows close in event-time order; within a window, rows come in the order the groups were first seen.
	if !slices.IsSortedFunc(got, func(a, b alert) int { return int(a.AnalysisTime - b.AnalysisTime) }) {
		t.Errorf("alert rows are not in window order:\n%s", out)
	}
	key := func(as []alert) []string {
		var s []string
		for _, a := range as {
			s = append(s, a.String())
		}
		slices.Sort(s)
		return s
	}
	if g, w := key(got), key(want); !slices.Equal(g, w) {
		t.Errorf("alert rows differ\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(w, "\n      "))
	}
}
