package e2e

// Metrics from SQL (docs/operations.md): a job whose statements carry "-- @metric:" annotations serves them on
// /metrics, parsed with Prometheus's text parser, with the values an oracle computes from the input: counts per
// label set under a condition, a gauge's last value, histogram buckets, a counter adding a column over the rows
// of EMIT CHANGES (not its retractions), and the rows dropped past a limit on label sets.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

func init() {
	jobScripts["usermetrics"] = `
CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DOUBLE) WITH ('path' = 'orders.jsonl');

-- @metric: um_orders_large_total
-- @metric_help: "Orders of more than 500"
-- @metric_labels: symbol, side
-- @metric_condition: quantity > 500
-- @metric: um_last_price
-- @metric_type: gauge
-- @metric_field: price
-- @metric_labels: symbol
-- @metric: um_order_quantity
-- @metric_type: histogram
-- @metric_field: quantity
-- @metric_labels: side
-- @metric_buckets: [100, 500, 900]
-- @metric: um_rare_total
-- @metric_labels: symbol
-- @metric_max_series: 3
CREATE STREAM copy AS SELECT symbol, side, quantity, price FROM orders
WITH ('copy.path' = 'copy.jsonl', 'job.http.address' = '127.0.0.1:0');

-- @metric: um_volume_total
-- @metric_field: total
-- @metric_labels: symbol
CREATE STREAM volume AS SELECT symbol, SUM(quantity) AS total FROM orders GROUP BY symbol HAVING SUM(quantity) > 3000
EMIT CHANGES WITH ('volume.path' = 'volume.jsonl');
`
}

// umOrder is one order of the test's input; NULLs are nil.
type umOrder struct {
	symbol, side *string
	qty          *int64
	price        *float64
}

func TestUserMetrics(t *testing.T) {
	needBuild(t)
	rng := rand.New(rand.NewPCG(15, 73))
	symbols := []string{"AAA", "BBB", "CCC", "DDD", "EEE"}
	sides := []string{"buy", "sell"}
	const n = 3000
	orders := make([]umOrder, n)
	var in strings.Builder
	for i := range orders {
		o := &orders[i]
		if rng.IntN(20) > 0 {
			o.symbol = &symbols[rng.IntN(len(symbols))]
		}
		if rng.IntN(20) > 0 {
			o.side = &sides[rng.IntN(2)]
		}
		if rng.IntN(20) > 0 {
			q := rng.Int64N(1100) - 100
			o.qty = &q
		}
		if rng.IntN(20) > 0 {
			p := float64(rng.IntN(100000)) / 100
			o.price = &p
		}
		str := func(s *string) string {
			if s == nil {
				return "null"
			}
			return fmt.Sprintf("%q", *s)
		}
		qty, price := "null", "null"
		if o.qty != nil {
			qty = fmt.Sprint(*o.qty)
		}
		if o.price != nil {
			price = fmt.Sprint(*o.price)
		}
		fmt.Fprintf(&in, `{"symbol":%s,"side":%s,"quantity":%s,"price":%s}`+"\n", str(o.symbol), str(o.side), qty, price)
	}

	// The oracle: what each metric holds once every order is read. Labels of NULL columns are "".
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	large := map[[2]string]float64{}
	lastPrice := map[string]float64{}
	bounds := []float64{100, 500, 900}
	type hist struct {
		buckets []uint64 // cumulative
		count   uint64
		sum     float64
	}
	hists := map[string]*hist{}
	var rare []string // the first 3 symbols seen
	rareCount := map[string]float64{}
	dropped := 0
	sums := map[string]*int64{}
	emitted := map[string]bool{}
	volume := map[string]float64{}
	volumeRows := 0
	for _, o := range orders {
		sym, side := text(o.symbol), text(o.side)
		if o.qty != nil && *o.qty > 500 {
			large[[2]string{sym, side}]++
		}
		if o.price != nil {
			lastPrice[sym] = *o.price
		}
		if o.qty != nil {
			h := hists[side]
			if h == nil {
				h = &hist{buckets: make([]uint64, len(bounds))}
				hists[side] = h
			}
			for i, b := range bounds {
				if float64(*o.qty) <= b {
					h.buckets[i]++
				}
			}
			h.count++
			h.sum += float64(*o.qty)
		}
		if !slices.Contains(rare, sym) && len(rare) < 3 {
			rare = append(rare, sym)
		}
		if slices.Contains(rare, sym) {
			rareCount[sym]++
		} else {
			dropped++
		}
		// EMIT CHANGES with HAVING: a row per order while the group's sum passes, a retraction when it stops.
		if o.qty != nil {
			if sums[sym] == nil {
				sums[sym] = new(int64)
			}
			*sums[sym] += *o.qty
		}
		if s := sums[sym]; s != nil && *s > 3000 {
			volume[sym] += float64(*s)
			emitted[sym] = true
			volumeRows++
		} else if emitted[sym] {
			emitted[sym] = false
			volumeRows++
		}
	}
	if dropped == 0 || len(volume) == 0 {
		t.Fatalf("the input exercises too little: %d rows dropped, %d symbols past the volume", dropped, len(volume))
	}

	dir := t.TempDir()
	writeFile(t, dir, "orders.jsonl", []byte(in.String()))
	p := startJobIn(t, "usermetrics", dir)
	base := httpAddr(t, p)
	var s scrape
	// A row's metrics are measured before the row is written: once the sinks have every row, the metrics have
	// every row too.
	waitProgress(t, "the orders read", p, func() (int64, bool) {
		s = scrapeMetrics(t, base)
		c, _ := s.value("velocc_sink_rows_emitted_total", "sink", "copy")
		v, _ := s.value("velocc_sink_rows_emitted_total", "sink", "volume")
		return int64(c + v), int64(c) == n && int(v) == volumeRows
	})

	for name, typ := range map[string]dto.MetricType{
		"um_orders_large_total": dto.MetricType_COUNTER, "um_last_price": dto.MetricType_GAUGE,
		"um_order_quantity": dto.MetricType_HISTOGRAM, "um_rare_total": dto.MetricType_COUNTER,
		"um_volume_total": dto.MetricType_COUNTER, "velocc_metric_series_dropped_total": dto.MetricType_COUNTER,
	} {
		s.checkType(t, name, typ)
	}
	if h := s["um_orders_large_total"].GetHelp(); h != "Orders of more than 500" {
		t.Errorf("HELP of um_orders_large_total: %q", h)
	}
	if h := s["um_volume_total"].GetHelp(); !strings.Contains(h, "Sum of total over the rows the statement at usermetrics.sql:") {
		t.Errorf("HELP of um_volume_total (the default): %q", h)
	}

	// series returns the samples of a family by their label values, in the order of names.
	series := func(family string, names ...string) map[string]*dto.Metric {
		out := map[string]*dto.Metric{}
		for _, m := range s[family].GetMetric() {
			vals := make([]string, len(names))
			for i, name := range names {
				for _, l := range m.GetLabel() {
					if l.GetName() == name {
						vals[i] = l.GetValue()
					}
				}
			}
			out[strings.Join(vals, "|")] = m
		}
		return out
	}
	check := func(family string, got map[string]*dto.Metric, want map[string]float64, value func(*dto.Metric) float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %d series, want %d", family, len(got), len(want))
		}
		for k, w := range want {
			if m := got[k]; m == nil {
				t.Errorf("%s{%s}: missing, want %v", family, k, w)
			} else if v := value(m); v != w {
				t.Errorf("%s{%s} = %v, want %v", family, k, v, w)
			}
		}
	}
	counter := func(m *dto.Metric) float64 { return m.GetCounter().GetValue() }
	wantLarge := map[string]float64{}
	for k, v := range large {
		wantLarge[k[0]+"|"+k[1]] = v
	}
	check("um_orders_large_total", series("um_orders_large_total", "symbol", "side"), wantLarge, counter)
	check("um_last_price", series("um_last_price", "symbol"), lastPrice, func(m *dto.Metric) float64 { return m.GetGauge().GetValue() })
	check("um_rare_total", series("um_rare_total", "symbol"), rareCount, counter)
	check("um_volume_total", series("um_volume_total", "symbol"), volume, counter)
	if got := s.int(t, "velocc_metric_series_dropped_total", "metric", "um_rare_total"); got != int64(dropped) {
		t.Errorf("velocc_metric_series_dropped_total{metric=um_rare_total} = %d, want %d", got, dropped)
	}
	if got := s.int(t, "velocc_metric_series_dropped_total", "metric", "um_last_price"); got != 0 {
		t.Errorf("velocc_metric_series_dropped_total{metric=um_last_price} = %d, want 0", got)
	}
	if warned := strings.Count(p.log(), `metric "um_rare_total"`); warned != 1 {
		t.Errorf("the job warned %d times of um_rare_total's dropped rows, want once; stderr:\n%s", warned, p.log())
	}

	hs := series("um_order_quantity", "side")
	if len(hs) != len(hists) {
		t.Errorf("um_order_quantity: %d series, want %d", len(hs), len(hists))
	}
	for side, w := range hists {
		m := hs[side]
		if m == nil {
			t.Errorf("um_order_quantity{side=%q}: missing", side)
			continue
		}
		h := m.GetHistogram()
		if h.GetSampleCount() != w.count || h.GetSampleSum() != w.sum {
			t.Errorf("um_order_quantity{side=%q}: count %d sum %v, want %d and %v", side, h.GetSampleCount(), h.GetSampleSum(), w.count, w.sum)
		}
		var got []uint64
		for i, b := range h.GetBucket() {
			if i < len(bounds) && b.GetUpperBound() != bounds[i] || i == len(bounds) && !math.IsInf(b.GetUpperBound(), 1) {
				t.Errorf("um_order_quantity{side=%q}: bucket %d has bound %v", side, i, b.GetUpperBound())
			}
			got = append(got, b.GetCumulativeCount())
		}
		if want := append(slices.Clone(w.buckets), w.count); !slices.Equal(got, want) {
			t.Errorf("um_order_quantity{side=%q}: buckets %v, want %v", side, got, want)
		}
	}
}
