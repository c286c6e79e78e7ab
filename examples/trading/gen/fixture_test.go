package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fixtureDir holds the 'velocc test' cases of orderflow.sql (docs/testing.md).
var fixtureDir = filepath.Join("..", "orderflow_test")

// TestFixtureOracle checks the expected rows of the fixture cases against the Go oracle: expectedAlerts over each
// case's orders gives exactly its out/select_1 rows. 'velocc test' then checks the job against the same files
// (cmd/velocc's TestTestExamples).
func TestFixtureOracle(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtureDir, "bursts", "in", "order_book_stream.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var jsonOrders []order
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		var o order
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("bursts/in line %d: %v", i+1, err)
		}
		jsonOrders = append(jsonOrders, o)
	}
	data, err = os.ReadFile(filepath.Join(fixtureDir, "bursts", "out", "select_1.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var jsonAlerts []alert
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		var a alert
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("bursts/out line %d: %v", i+1, err)
		}
		jsonAlerts = append(jsonAlerts, a)
	}
	checkCase(t, "bursts", jsonOrders, jsonAlerts)

	sections := readTxtar(t, filepath.Join(fixtureDir, "csv.txtar"))
	in := readCSV(t, sections["in/order_book_stream.csv"], []string{"symbol", "side", "quantity", "price", "event_time"})
	var csvOrders []order
	for _, r := range in {
		csvOrders = append(csvOrders, order{r[0], r[1], json.Number(r[2]), json.Number(r[3]), json.Number(r[4])})
	}
	if !slices.Equal(csvOrders, jsonOrders) {
		t.Errorf("csv.txtar: the orders differ from those of bursts/")
	}
	out := readCSV(t, sections["out/select_1.csv"], []string{"symbol", "buy_volume", "sell_volume", "total_volume", "buy_ratio", "analysis_time"})
	var csvAlerts []alert
	for _, r := range out {
		at, err := time.Parse(time.RFC3339Nano, r[5])
		if err != nil {
			t.Fatalf("csv.txtar: analysis_time %q: %v", r[5], err)
		}
		csvAlerts = append(csvAlerts, alert{Symbol: r[0], BuyVolume: mustInt(t, r[1]), SellVolume: mustInt(t, r[2]),
			TotalVolume: mustInt(t, r[3]), BuyRatio: mustFloat(t, r[4]), AnalysisTime: at.UnixMilli()})
	}
	checkCase(t, "csv", csvOrders, csvAlerts)
}

// checkCase compares a case's expected alerts with the oracle's. The oracle knows no watermark, so the case's
// orders must also be no later than the source's 2 s of out-of-orderness allows: then the job drops none as late.
func checkCase(t *testing.T, name string, orders []order, want []alert) {
	t.Helper()
	maxSeen := int64(0)
	for i, o := range orders {
		ts, err := o.EventTime.Int64()
		if err != nil {
			t.Fatalf("%s: order %d: event_time %s", name, i+1, o.EventTime)
		}
		if maxSeen-ts >= 2000 {
			t.Fatalf("%s: order %d is %d ms behind an earlier one: the job would drop it as late", name, i+1, maxSeen-ts)
		}
		maxSeen = max(maxSeen, ts)
	}
	got := expectedAlerts(orders)
	if len(got) == 0 {
		t.Fatalf("%s: the oracle expects no alerts", name)
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
		t.Errorf("%s: the expected rows are not the oracle's\nfixture: %s\n oracle: %s", name, strings.Join(w, "\n         "), strings.Join(g, "\n         "))
	}
}

// readTxtar splits a txtar file into its sections by name.
func readTxtar(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	name := ""
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if s := strings.TrimSpace(line); strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") {
			name = strings.TrimSpace(s[3 : len(s)-3])
			continue
		}
		if name != "" {
			sections[name] += line
		}
	}
	return sections
}

// readCSV reads CSV with the given header and returns its records.
func readCSV(t *testing.T, text string, header []string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader([]byte(text))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		t.Fatalf("CSV header %v, want %v", recs, header)
	}
	return recs[1:]
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
