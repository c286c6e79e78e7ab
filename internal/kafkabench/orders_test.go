package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// generate returns the first n orders of seed as JSON values.
func generate(seed uint64, n, minutes int) [][]byte {
	g := newGenerator(seed, n, minutes)
	var out [][]byte
	for {
		o, ok := g.next()
		if !ok {
			return out
		}
		out = append(out, appendJSON(nil, o))
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	a, b := generate(1, 5000, 10), generate(1, 5000, 10)
	if len(a) != 5000 || len(b) != 5000 {
		t.Fatalf("generated %d and %d orders, want 5000", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("order %d differs between two runs with seed 1:\n%s\n%s", i, a[i], b[i])
		}
	}
	c := generate(2, 5000, 10)
	same := 0
	for i := range a {
		if bytes.Equal(a[i], c[i]) {
			same++
		}
	}
	if same == len(a) {
		t.Error("seeds 1 and 2 generated the same orders")
	}
}

// TestGeneratorShape checks what the jobs rely on: every value decodes into the orders schema, 20 symbols, event
// times within the span and at most 750 ms from the nominal, evenly rising time, and both sides in burst minutes.
func TestGeneratorShape(t *testing.T) {
	const n, minutes = 20000, 10
	span := int64(minutes) * 60_000
	syms := map[string]bool{}
	var buys, large int
	for i, v := range generate(7, n, minutes) {
		var o struct {
			Symbol    string          `json:"symbol"`
			Side      string          `json:"side"`
			Quantity  int64           `json:"quantity"`
			Price     json.RawMessage `json:"price"`
			EventTime int64           `json:"event_time"`
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("order %d: %s: %v", i, v, err)
		}
		syms[o.Symbol] = true
		if o.Side != "BUY" && o.Side != "SELL" {
			t.Fatalf("order %d: side %q", i, o.Side)
		}
		if o.Side == "BUY" {
			buys++
		}
		if o.Quantity < 1 || o.Quantity > 2000 {
			t.Fatalf("order %d: quantity %d", i, o.Quantity)
		}
		if o.Quantity > 100 {
			large++
		}
		if p := string(o.Price); len(p) < 6 || p[len(p)-5] != '.' {
			t.Fatalf("order %d: price %s does not have four decimals", i, p)
		}
		nominal := startMillis + int64(float64(i)*float64(span)/float64(n))
		if d := o.EventTime - nominal; d < -jitterMax || d > jitterMax {
			t.Fatalf("order %d: event time %d is %d ms from the nominal %d", i, o.EventTime, d, nominal)
		}
		if o.EventTime < startMillis || o.EventTime >= startMillis+span {
			t.Fatalf("order %d: event time %d outside the span", i, o.EventTime)
		}
	}
	if len(syms) != len(symbols) {
		t.Errorf("%d symbols, want %d", len(syms), len(symbols))
	}
	if buys < n*45/100 || buys > n*55/100 {
		t.Errorf("%d of %d orders are BUY; want about half", buys, n)
	}
	if large < n*90/100 {
		t.Errorf("%d of %d orders have quantity > 100; want about 95%%", large, n)
	}
}

func TestAppendJSON(t *testing.T) {
	for _, tc := range []struct {
		o    order
		want string
	}{
		{order{"AAPL", "BUY", 1700, 1_898_493, 1717421400403},
			`{"symbol":"AAPL","side":"BUY","quantity":1700,"price":189.8493,"event_time":1717421400403}`},
		{order{"KO", "SELL", 5, 630_000, 1}, `{"symbol":"KO","side":"SELL","quantity":5,"price":63.0000,"event_time":1}`},
		{order{"V", "SELL", 100, 7, 2}, `{"symbol":"V","side":"SELL","quantity":100,"price":0.0007,"event_time":2}`},
		{order{"V", "BUY", 100, 10_999, 2}, `{"symbol":"V","side":"BUY","quantity":100,"price":1.0999,"event_time":2}`},
	} {
		if got := string(appendJSON(nil, tc.o)); got != tc.want {
			t.Errorf("appendJSON(%+v)\n got %s\nwant %s", tc.o, got, tc.want)
		}
	}
}
