package e2e

import (
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seedQuery is the order-flow query velocc was designed around, with the stream declaration it reads.
const seedQuery = `CREATE STREAM order_book_stream ` + orderSchema + `
  WITH ('type'='file_source','path'='orders.jsonl','format'='jsonl','event.time.field'='event_time'%s);
SELECT symbol,
       SUM(CASE WHEN side = 'BUY'  THEN quantity ELSE 0 END) AS buy_volume,
       SUM(CASE WHEN side = 'SELL' THEN quantity ELSE 0 END) AS sell_volume,
       SUM(quantity) AS total_volume,
       SUM(CASE WHEN side = 'BUY' THEN quantity ELSE 0 END) / SUM(quantity) AS buy_ratio,
       TUMBLE_END(event_time, INTERVAL '1' MINUTE) AS analysis_time
FROM order_book_stream
GROUP BY symbol
HAVING SUM(quantity) > 10000
   AND (SUM(CASE WHEN side = 'BUY' THEN quantity ELSE 0 END) / SUM(quantity) > 0.7
        OR SUM(CASE WHEN side = 'SELL' THEN quantity ELSE 0 END) / SUM(quantity) > 0.7)
WINDOW TUMBLING (event_time, INTERVAL '1' MINUTE)
EMIT FINAL;
`

func init() {
	jobScripts["orderflow"] = strings.Replace(seedQuery, "%s", "", 1)
	jobScripts["orderflow_wm"] = strings.Replace(seedQuery, "%s", ",'watermark.max_out_of_orderness'='5s'", 1)
}

// refOrderFlow computes the seed query's rows over orders with a watermark trailing by delay milliseconds.
func refOrderFlow(orders []order, delay int64) (rows []row, late int) {
	type state struct{ buy, sell, total sum }
	zero := int64(0)
	groups, late := refAggregate(orders, 60000, delay, false, func(s *state, o order) {
		// CASE WHEN side = 'BUY' THEN quantity ELSE 0 END: a NULL side takes the ELSE branch.
		if o.side != nil && *o.side == "BUY" {
			s.buy.add(o.qty)
		} else {
			s.buy.add(&zero)
		}
		if o.side != nil && *o.side == "SELL" {
			s.sell.add(o.qty)
		} else {
			s.sell.add(&zero)
		}
		s.total.add(o.qty)
	})
	for _, g := range groups {
		s := g.state
		buy, sell, total := s.buy.val(), s.sell.val(), s.total.val()
		having := and(cmpGT(total, 10000), or(cmpGT(ratio(buy, total), 0.7), cmpGT(ratio(sell, total), 0.7)))
		if !isTrue(having) {
			continue
		}
		rows = append(rows, row{
			{"symbol", strOrNil(g.key)}, {"buy_volume", buy}, {"sell_volume", sell}, {"total_volume", total},
			{"buy_ratio", ratio(buy, total)}, {"analysis_time", g.start + 60000},
		})
	}
	return rows, late
}

// TestOrderFlow runs the seed query on generated orders and checks every row against refOrderFlow, and the late
// records it counts. The same orders as CSV must give the same output.
func TestOrderFlow(t *testing.T) {
	needBuild(t)
	orders := genOrders(1, 3000, 4000)
	want, late := refOrderFlow(orders, 0)
	if len(want) < 10 || late == 0 {
		t.Fatalf("the generated data is too tame: %d rows, %d late records", len(want), late)
	}
	dir := t.TempDir()
	writeFile(t, dir, "orders.jsonl", ordersJSONL(orders, 1))
	res := runOK(t, "orderflow", dir, "--bounded")
	checkRows(t, "orderflow", parseRows(t, res.Stdout), want)
	if got, want := statsLine(t, res.Stderr, "order_book_stream"), "order_book_stream: read "+itoa(len(orders))+", bad 0, late "+itoa(late); got != want {
		t.Errorf("stats: got %q, want %q", got, want)
	}
	if got, want := statsLine(t, res.Stderr, "select_1"), "select_1: emitted "+itoa(len(want)); got != want {
		t.Errorf("stats: got %q, want %q", got, want)
	}

	for _, crlf := range []bool{false, true} {
		t.Run("csv-crlf-"+strconv.FormatBool(crlf), func(t *testing.T) {
			writeFile(t, dir, "orders.csv", ordersCSV(orders, crlf))
			csvRes := runOK(t, "orderflow", dir, "--bounded", "--source", "order_book_stream=file:orders.csv")
			if csvRes.Stdout != res.Stdout {
				t.Errorf("CSV input gives other rows than JSON lines:\n%s", firstDiff(res.Stdout, csvRes.Stdout))
			}
			if got := statsLine(t, csvRes.Stderr, "order_book_stream"); got != statsLine(t, res.Stderr, "order_book_stream") {
				t.Errorf("CSV stats %q differ from JSON lines'", got)
			}
		})
	}

	t.Run("rfc3339", func(t *testing.T) {
		r := runOK(t, "orderflow", dir, "--bounded", "--timestamp-format", "rfc3339")
		rows := parseRows(t, r.Stdout)
		if len(rows) != len(want) {
			t.Fatalf("%d rows, want %d", len(rows), len(want))
		}
		for i, got := range rows {
			s, ok := got.get("analysis_time").(string)
			if !ok {
				t.Fatalf("row %d: analysis_time is not a JSON string: %v", i+1, got)
			}
			ts, err := time.Parse(time.RFC3339Nano, s)
			if err != nil || !strings.HasSuffix(s, "Z") {
				t.Fatalf("row %d: analysis_time %q is not RFC 3339 in UTC: %v", i+1, s, err)
			}
			if ts.UnixMilli() != want[i].get("analysis_time").(int64) {
				t.Errorf("row %d: analysis_time %s, want %d", i+1, s, want[i].get("analysis_time"))
			}
		}
	})
}

// TestOrderFlowWatermark: with watermark.max_out_of_orderness = 5s, records up to 4s out of order are all kept,
// including those the seed query without it counts late.
func TestOrderFlowWatermark(t *testing.T) {
	needBuild(t)
	orders := genOrders(2, 3000, 4000)
	want, late := refOrderFlow(orders, 5000)
	if late != 0 {
		t.Fatalf("reference: %d late records with a 5s watermark delay", late)
	}
	if _, late0 := refOrderFlow(orders, 0); late0 == 0 {
		t.Fatal("the data has no record the query without a delay would drop")
	}
	dir := t.TempDir()
	writeFile(t, dir, "orders.jsonl", ordersJSONL(orders, 2))
	res := runOK(t, "orderflow_wm", dir, "--bounded")
	checkRows(t, "orderflow_wm", parseRows(t, res.Stdout), want)
	if got := statsLine(t, res.Stderr, "order_book_stream"); got != "order_book_stream: read "+itoa(len(orders))+", bad 0, late 0" {
		t.Errorf("stats: %q", got)
	}
}

// tinyOrders is a fixture small enough to check by hand. T0 = 1700000040000 (2023-11-14T22:14:00Z) is a minute
// boundary; "@s" is seconds after T0.
//
//	window [T0, T0+60s), analysis_time 1700000100000
//	  1 AAPL BUY 8000 @0, 2 AAPL BUY 4000 @10, 4 AAPL SELL 500 @5 (out of order, its window is still open)
//	    AAPL: total 12500 > 10000, buy 12000, buy ratio 0.96 > 0.7: row
//	  3 MSFT SELL 100 @20, 5 MSFT SELL 12000 @30
//	    MSFT: total 12100, sell ratio 1 > 0.7: row with buy_volume 0 and buy_ratio 0
//	  6 GOOG BUY 6000 @40, 7 GOOG SELL 5000 @50
//	    GOOG: total 11000, but buy ratio 0.545 and sell ratio 0.455: no row
//	8 AAPL BUY 100 @65 moves the watermark to T0+65s, past the end of the first window: its rows are written
//	9 MSFT BUY 50 @55 arrives after its window closed: late, dropped, counted ("late 1")
//	window [T0+60s, T0+120s), analysis_time 1700000160000
//	  8 AAPL BUY 100, 12 AAPL SELL NULL (SUM skips it): total 100: no row
//	  10 NULL BUY 7000 @70, 11 NULL BUY 4000 @80: the NULL symbols are one group: total 11000, buy ratio 1: row
//	  13 TSLA SELL 20000 @100, 14 TSLA BUY -9000 @110: total 11000, sell ratio 1.82: row; buy ratio -9000/11000
//	  15 IBM BUY 10001 @119.999: total 10001 > 10000, buy ratio 1: row
//	the end of the input closes the second window.
const tinyOrders = `{"symbol":"AAPL","side":"BUY","quantity":8000,"price":150.25,"event_time":1700000040000}
{"symbol":"AAPL","side":"BUY","quantity":4000,"price":150.5,"event_time":1700000050000}
{"symbol":"MSFT","side":"SELL","quantity":100,"price":300.1234,"event_time":1700000060000}
{"symbol":"AAPL","side":"SELL","quantity":500,"price":"149.9999","event_time":1700000045000}
{"symbol":"MSFT","side":"SELL","quantity":12000,"price":301,"event_time":1700000070000}
{"symbol":"GOOG","side":"BUY","quantity":6000,"price":-1.5,"event_time":1700000080000}
{"symbol":"GOOG","side":"SELL","quantity":5000,"price":null,"event_time":1700000090000}
{"symbol":"AAPL","side":"BUY","quantity":100,"price":151,"event_time":1700000105000}
{"symbol":"MSFT","side":"BUY","quantity":50,"price":300,"event_time":1700000095000}
{"symbol":null,"side":"BUY","quantity":7000,"price":1,"event_time":1700000110000}
{"side":"BUY","quantity":4000,"price":1,"event_time":1700000120000}
{"symbol":"AAPL","side":"SELL","quantity":null,"price":150,"event_time":1700000130000}
{"symbol":"TSLA","side":"SELL","quantity":20000,"price":200.0001,"event_time":1700000140000}
{"symbol":"TSLA","side":"BUY","quantity":-9000,"price":200,"event_time":1700000150000}
{"symbol":"IBM","side":"BUY","quantity":10001,"price":99.9999,"event_time":1700000159999}
`

// tinyOut is the expected output for tinyOrders, worked out by hand above.
const tinyOut = `{"symbol":"AAPL","buy_volume":12000,"sell_volume":500,"total_volume":12500,"buy_ratio":0.96,"analysis_time":1700000100000}
{"symbol":"MSFT","buy_volume":0,"sell_volume":12100,"total_volume":12100,"buy_ratio":0,"analysis_time":1700000100000}
{"symbol":null,"buy_volume":11000,"sell_volume":0,"total_volume":11000,"buy_ratio":1,"analysis_time":1700000160000}
{"symbol":"TSLA","buy_volume":-9000,"sell_volume":20000,"total_volume":11000,"buy_ratio":-0.8181818181818182,"analysis_time":1700000160000}
{"symbol":"IBM","buy_volume":10001,"sell_volume":0,"total_volume":10001,"buy_ratio":1,"analysis_time":1700000160000}
`

// TestOrderFlowTiny checks the hand-computed fixture, read through --source and written through --sink overrides
// (the declared orders.jsonl does not exist in the job's directory).
func TestOrderFlowTiny(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	writeFile(t, dir, "tiny.jsonl", []byte(tinyOrders))
	res := runOK(t, "orderflow", dir, "--bounded", "--source", "order_book_stream=file:tiny.jsonl", "--sink", "select_1=file:out.jsonl")
	if res.Stdout != "" {
		t.Errorf("stdout should be empty with select_1 going to a file; got:\n%s", res.Stdout)
	}
	if got := readFile(t, dir, "out.jsonl"); got != tinyOut {
		t.Errorf("out.jsonl:\n%s", firstDiff(tinyOut, got))
	}
	wantStats := "order_book_stream: read 15, bad 0, late 1\nselect_1: emitted 5\n"
	if res.Stderr != wantStats {
		t.Errorf("stderr:\n%s\nwant:\n%s", res.Stderr, wantStats)
	}
	// The reference agrees with the hand-worked rows.
	var orders []order
	for _, r := range parseRows(t, tinyOrders) {
		o := order{ts: num(t, r.get("event_time"))}
		if s, ok := r.get("symbol").(string); ok {
			o.symbol = &s
		}
		if s, ok := r.get("side").(string); ok {
			o.side = &s
		}
		if r.get("quantity") != nil {
			o.qty = ptr(num(t, r.get("quantity")))
		}
		orders = append(orders, o)
	}
	want, late := refOrderFlow(orders, 0)
	if late != 1 {
		t.Errorf("reference: %d late records, want 1", late)
	}
	checkRows(t, "reference", parseRows(t, tinyOut), want)

	t.Run("no-override", func(t *testing.T) {
		// Without --source the job reads the declared orders.jsonl, which is missing.
		res := runJob(t, "orderflow", dir, "--bounded")
		if res.Code != 1 || !strings.Contains(res.Stderr, "orders.jsonl") {
			t.Errorf("exit %d, stderr %q: want exit 1 naming orders.jsonl", res.Code, res.Stderr)
		}
	})
}

func num(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := new(big.Int).SetString(strings.TrimSpace(toString(v)), 10)
	if !ok || !n.IsInt64() {
		t.Fatalf("not an integer: %v", v)
	}
	return n.Int64()
}
