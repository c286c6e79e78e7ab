package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// testConfig is a smaller file with the default density of orders per minute.
func testConfig(seed uint64) config {
	return config{n: 60_000, seed: seed, start: 1717421400000, minutes: 10, bursts: -1}
}

func gen(t *testing.T, cfg config) ([]byte, summary) {
	t.Helper()
	var buf bytes.Buffer
	sum, err := generate(&buf, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sum
}

func TestDeterministic(t *testing.T) {
	a, sa := gen(t, testConfig(1))
	b, sb := gen(t, testConfig(1))
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with seed 1 wrote different files")
	}
	if !slices.Equal(sa.bursts, sb.bursts) {
		t.Fatalf("two runs with seed 1 planned different bursts: %v and %v", sa.bursts, sb.bursts)
	}
	c, _ := gen(t, testConfig(2))
	if bytes.Equal(a, c) {
		t.Fatal("seeds 1 and 2 wrote the same file")
	}
}

// order is one line of the file, decoded without trusting the generator's own encoder.
type order struct {
	Symbol    string      `json:"symbol"`
	Side      string      `json:"side"`
	Quantity  json.Number `json:"quantity"`
	Price     json.Number `json:"price"`
	EventTime json.Number `json:"event_time"`
}

var priceText = regexp.MustCompile(`^[1-9][0-9]*\.[0-9]{4}$|^0\.[0-9]{4}$`)

// readOrders decodes and checks every line: exactly the schema's fields, each within its range.
func readOrders(t *testing.T, data []byte, cfg config) []order {
	t.Helper()
	known := map[string]bool{}
	for _, s := range symbols {
		known[s.name] = true
	}
	end := cfg.start + int64(cfg.minutes)*60_000
	var out []order
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(line, &fields); err != nil {
			t.Fatalf("line %d is not a JSON object: %v: %s", n, err, line)
		}
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"event_time", "price", "quantity", "side", "symbol"}; !slices.Equal(keys, want) {
			t.Fatalf("line %d has fields %v, want %v", n, keys, want)
		}
		var o order
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("line %d: %v: %s", n, err, line)
		}
		if !known[o.Symbol] {
			t.Fatalf("line %d: unknown symbol %q", n, o.Symbol)
		}
		if o.Side != "BUY" && o.Side != "SELL" {
			t.Fatalf("line %d: side %q", n, o.Side)
		}
		if q, err := strconv.ParseInt(string(o.Quantity), 10, 64); err != nil || q < 1 || q > 2000 {
			t.Fatalf("line %d: quantity %s is not an integer in 1..2000", n, o.Quantity)
		}
		if !priceText.MatchString(string(o.Price)) {
			t.Fatalf("line %d: price %s does not have exactly four decimals", n, o.Price)
		}
		ts, err := strconv.ParseInt(string(o.EventTime), 10, 64)
		if err != nil || ts < cfg.start || ts >= end {
			t.Fatalf("line %d: event_time %s is not epoch milliseconds in [%d, %d)", n, o.EventTime, cfg.start, end)
		}
		out = append(out, o)
	}
	if len(out) != cfg.n {
		t.Fatalf("got %d lines, want %d", len(out), cfg.n)
	}
	return out
}

func TestJSONLines(t *testing.T) {
	cfg := testConfig(1)
	data, _ := gen(t, cfg)
	orders := readOrders(t, data, cfg)

	// Event times are only slightly out of order: never more than the 2 s the job's watermark allows.
	maxSeen := int64(0)
	disorder := false
	for i, o := range orders {
		ts, _ := o.EventTime.Int64()
		if ts < maxSeen {
			disorder = true
			if maxSeen-ts >= 2000 {
				t.Fatalf("order %d is %d ms behind an earlier one", i+1, maxSeen-ts)
			}
		}
		maxSeen = max(maxSeen, ts)
	}
	if !disorder {
		t.Error("event times are perfectly ordered; the generator should jitter them")
	}
}

// alert is one row the job's HAVING lets through, computed here as an independent oracle of orderflow.sql.
type alert struct {
	Symbol       string  `json:"symbol"`
	BuyVolume    int64   `json:"buy_volume"`
	SellVolume   int64   `json:"sell_volume"`
	TotalVolume  int64   `json:"total_volume"`
	BuyRatio     float64 `json:"buy_ratio"`
	AnalysisTime int64   `json:"analysis_time"`
}

func (a alert) String() string {
	return fmt.Sprintf("%s@%d buy=%d sell=%d total=%d ratio=%v", a.Symbol, a.AnalysisTime, a.BuyVolume, a.SellVolume, a.TotalVolume, a.BuyRatio)
}

// expectedAlerts evaluates the query over orders: one-minute epoch-aligned windows per symbol, alerting when the
// volume exceeds 10000 and either side has more than 70% of it. The result is sorted by window, then symbol.
func expectedAlerts(orders []order) []alert {
	type key struct {
		sym string
		end int64
	}
	sums := map[key]*alert{}
	for _, o := range orders {
		ts, _ := o.EventTime.Int64()
		q, _ := o.Quantity.Int64()
		k := key{o.Symbol, ts - ts%60_000 + 60_000}
		a := sums[k]
		if a == nil {
			a = &alert{Symbol: k.sym, AnalysisTime: k.end}
			sums[k] = a
		}
		if o.Side == "BUY" {
			a.BuyVolume += q
		} else {
			a.SellVolume += q
		}
		a.TotalVolume += q
	}
	var out []alert
	for _, a := range sums {
		buy := float64(a.BuyVolume) / float64(a.TotalVolume)
		sell := float64(a.SellVolume) / float64(a.TotalVolume)
		if a.TotalVolume > 10000 && (buy > 0.7 || sell > 0.7) {
			a.BuyRatio = buy
			out = append(out, *a)
		}
	}
	slices.SortFunc(out, func(a, b alert) int {
		if a.AnalysisTime != b.AnalysisTime {
			return int(a.AnalysisTime - b.AnalysisTime)
		}
		if a.Symbol < b.Symbol {
			return -1
		}
		if a.Symbol > b.Symbol {
			return 1
		}
		return 0
	})
	return out
}

// TestBurstsAreTheAlerts checks the point of the generator: every injected burst, and nothing else, is an alert.
func TestBurstsAreTheAlerts(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		cfg := testConfig(seed)
		data, sum := gen(t, cfg)
		if len(sum.bursts) != cfg.minutes/2 {
			t.Errorf("seed %d: %d bursts, want %d", seed, len(sum.bursts), cfg.minutes/2)
		}
		var want []string
		for _, b := range sum.bursts {
			want = append(want, fmt.Sprintf("%s@%d", symbols[b.sym].name, windowEnd(cfg.start, b.minute)))
		}
		var got []string
		for _, a := range expectedAlerts(readOrders(t, data, cfg)) {
			got = append(got, fmt.Sprintf("%s@%d", a.Symbol, a.AnalysisTime))
			if a.TotalVolume <= 10000 {
				t.Errorf("seed %d: alert %v has too little volume", seed, a)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("seed %d: windows alerting %v, bursts injected %v", seed, got, want)
		}
	}
}

func TestAppendOrder(t *testing.T) {
	got := string(appendOrder(nil, "KO", "SELL", 7, 631_305, 1717421400001))
	want := `{"symbol":"KO","side":"SELL","quantity":7,"price":63.1305,"event_time":1717421400001}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := string(appendOrder(nil, "X", "BUY", 1, 5, 0)); !bytes.Contains([]byte(got), []byte(`"price":0.0005,`)) {
		t.Errorf("a price below one tick's 10^4 lost its zeros: %s", got)
	}
}
