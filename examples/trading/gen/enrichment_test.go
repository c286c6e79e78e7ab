package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEnrichmentJob runs ../enrichment.sql as 'make demo' does, over generated orders and the reference tables of
// -tables, and checks its three outputs against an oracle in Go that reads the same files: every order enriched
// with its sector (or 'UNLISTED') and its price floored to the tick grid; the orders and shares per sector; and the
// large orders per symbol of the regular session not cleared for size.
func TestEnrichmentJob(t *testing.T) {
	if testing.Short() {
		t.Skip("builds velocc and a generated job")
	}
	dir := t.TempDir()
	cfg := testConfig(1)
	var data bytes.Buffer
	if _, err := generate(&data, cfg, nil); err != nil {
		t.Fatal(err)
	}
	ordersPath := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(ordersPath, data.Bytes(), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := writeTables(dir); err != nil {
		t.Fatal(err)
	}
	job := buildExampleJob(t, dir, "enrichment")
	enriched := filepath.Join(dir, "enriched.jsonl")
	c := exec.CommandContext(t.Context(), job, "--bounded",
		"--source", "order_book_stream=file:"+ordersPath,
		"--source", "instruments=file:"+filepath.Join(dir, "instruments.csv"),
		"--source", "watchlist=file:"+filepath.Join(dir, "watchlist.csv"),
		"--source", "schedule=file:"+filepath.Join(dir, "schedule.csv"),
		"--sink", "enriched_orders=file:"+enriched)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("enrichment --bounded: %v\n%s", err, stderr.Bytes())
	}

	// The oracle reads the tables from their files.
	table := func(name string) map[string][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		m := map[string][]string{}
		for _, r := range recs[1:] {
			m[r[0]] = r
		}
		return m
	}
	instruments, watchlist, schedule := table("instruments.csv"), table("watchlist.csv"), table("schedule.csv")
	orders := readOrders(t, data.Bytes(), cfg)

	type sectorRow struct {
		Sector string `json:"sector"`
		Orders int64  `json:"orders"`
		Shares int64  `json:"shares"`
	}
	type largeRow struct {
		Symbol      string `json:"symbol"`
		LargeOrders int64  `json:"large_orders"`
		Shares      int64  `json:"shares"`
	}
	wantSectors := map[string]*sectorRow{}
	wantLarge := map[string]*largeRow{}
	var wantEnriched []string
	for _, o := range orders {
		q, _ := strconv.ParseInt(string(o.Quantity), 10, 64)
		sector, tickPrice := "UNLISTED", "null"
		if in, ok := instruments[o.Symbol]; ok {
			sector = in[1]
			price, _ := new(big.Rat).SetString(string(o.Price))
			tick, _ := new(big.Rat).SetString(in[2])
			// price / tick = price.num * tick.den / (price.den * tick.num), floored (prices are positive)
			fl := new(big.Int).Div(new(big.Int).Mul(price.Num(), tick.Denom()), new(big.Int).Mul(price.Denom(), tick.Num()))
			tickPrice = new(big.Rat).Mul(new(big.Rat).SetInt(fl), tick).FloatString(8)
		}
		if wantSectors[sector] == nil {
			wantSectors[sector] = &sectorRow{Sector: sector}
		}
		wantSectors[sector].Orders++
		wantSectors[sector].Shares += q
		if q >= 1900 && schedule[o.Symbol] != nil && schedule[o.Symbol][1] == "regular" && (watchlist[o.Symbol] == nil || watchlist[o.Symbol][1] != "true") {
			if wantLarge[o.Symbol] == nil {
				wantLarge[o.Symbol] = &largeRow{Symbol: o.Symbol}
			}
			wantLarge[o.Symbol].LargeOrders++
			wantLarge[o.Symbol].Shares += q
		}
		wantEnriched = append(wantEnriched, fmt.Sprintf("%s %s %s %d %s", o.Symbol, sector, o.Side, q, tickPrice))
	}

	var gotSectors []sectorRow
	var gotLarge []largeRow
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case bytes.Contains(line, []byte(`"sector"`)):
			var r sectorRow
			if err := json.Unmarshal(line, &r); err != nil {
				t.Fatal(err)
			}
			gotSectors = append(gotSectors, r)
		default:
			var r largeRow
			if err := json.Unmarshal(line, &r); err != nil {
				t.Fatal(err)
			}
			gotLarge = append(gotLarge, r)
		}
	}
	if len(gotSectors) != len(wantSectors) {
		t.Errorf("sector rows: got %d, want %d", len(gotSectors), len(wantSectors))
	}
	for _, g := range gotSectors {
		if w := wantSectors[g.Sector]; w == nil || *w != g {
			t.Errorf("sector row %+v, want %+v", g, w)
		}
	}
	if len(wantLarge) == 0 {
		t.Fatal("the oracle expects no large orders: the test data misses the compliance case")
	}
	if len(gotLarge) != len(wantLarge) {
		t.Errorf("compliance rows: got %d, want %d", len(gotLarge), len(wantLarge))
	}
	for _, g := range gotLarge {
		if w := wantLarge[g.Symbol]; w == nil || *w != g {
			t.Errorf("compliance row %+v, want %+v", g, w)
		}
	}

	// The enriched orders, in input order, with the tick price compared as a number.
	b, err := os.ReadFile(enriched)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != len(wantEnriched) {
		t.Fatalf("enriched orders: got %d lines, want %d", len(lines), len(wantEnriched))
	}
	for i, l := range lines {
		var r struct {
			Symbol    string          `json:"symbol"`
			Sector    string          `json:"sector"`
			Side      string          `json:"side"`
			Quantity  int64           `json:"quantity"`
			TickPrice json.RawMessage `json:"tick_price"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("enriched line %d: %v", i+1, err)
		}
		tp := string(r.TickPrice)
		if tp != "null" {
			v, _ := new(big.Rat).SetString(tp)
			tp = v.FloatString(8)
		}
		if got := fmt.Sprintf("%s %s %s %d %s", r.Symbol, r.Sector, r.Side, r.Quantity, tp); got != wantEnriched[i] {
			t.Fatalf("enriched line %d: got %s, want %s", i+1, got, wantEnriched[i])
		}
	}
	if !slices.ContainsFunc(wantEnriched, func(s string) bool { return strings.Contains(s, " UNLISTED ") }) {
		t.Error("no order of an unlisted symbol: the test data misses the defaults case")
	}
}
