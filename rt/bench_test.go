// Micro-benchmarks of the per-record work of a job beyond JSON decoding (json_test.go): the generated decoders'
// key-order fast path, CSV fields, group lookups and accumulator updates. Run with
// 'go test ./rt -run - -bench .'; compare runs with benchstat.

package rt

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkJSONDecoderExpect decodes benchTrade the way generated decoders do: the next key of the schema is
// tried first (Expect), NextField and a switch on the key only when the record's keys come in another order; the
// field's index in the schema picks the reader.
func BenchmarkJSONDecoderExpect(b *testing.B) { benchJSONExpect(b, benchTrade) }

// BenchmarkJSONDecoderExpectPretty is BenchmarkJSONDecoderExpect on the record as Python's json.dumps writes it,
// which takes the same path.
func BenchmarkJSONDecoderExpectPretty(b *testing.B) { benchJSONExpect(b, benchTradePretty) }

// benchTradeKeys are the keys of benchTrade as generated code has them: as they start a field in compact JSON.
var benchTradeKeys = []string{`"trade_id":`, `"symbol":`, `"side":`, `"quantity":`, `"price":`, `"venue":`,
	`"account":`, `"event_time":`, `"flags":`}

// benchTradeField is the generated switch from a key to its index in the schema.
func benchTradeField(key []byte) int {
	switch string(key) {
	case "trade_id":
		return 0
	case "symbol":
		return 1
	case "side":
		return 2
	case "quantity":
		return 3
	case "price":
		return 4
	case "venue":
		return 5
	case "account":
		return 6
	case "event_time":
		return 7
	case "flags":
		return 8
	}
	return -1
}

func benchJSONExpect(b *testing.B, record string) {
	line := []byte(record)
	keys := benchTradeKeys
	var d JSONDecoder
	var (
		symbol, side string
		qty, ts      int64
		price        Int128
	)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		d.Reset(line)
		d.BeginObject()
		for next := 0; ; {
			var k int
			if next < len(keys) && d.Expect(keys[next]) {
				k = next
			} else if d.NextField() {
				k = benchTradeField(d.Key())
			} else {
				break
			}
			if k >= 0 {
				next = k + 1
			}
			switch k {
			case 1:
				symbol, _ = d.String()
			case 2:
				side, _ = d.String()
			case 3:
				qty, _ = d.Int64()
			case 4:
				price, _ = d.Decimal(12, 4)
			case 7:
				ts, _ = d.Timestamp(TimeEpochMillis)
			default:
				d.Skip()
			}
		}
		if d.Err() != nil {
			b.Fatal(d.Err())
		}
	}
	_, _, _, _, _ = symbol, side, qty, ts, price
}

func BenchmarkCSVDecoderTrade(b *testing.B) {
	var d CSVDecoder
	d.delim = ','
	if e := d.setHeader([]byte("trade_id,symbol,side,quantity,price,venue,account,event_time")); e != nil {
		b.Fatal(e)
	}
	idx := d.Bind([]string{"symbol", "quantity", "price"})
	line := []byte("T-000001234567,AAPL,BUY,1500,189.2350,XNAS,ACC-77812,1700000000123")
	var (
		symbol string
		qty    int64
		price  Int128
	)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if e := d.reset(line); e != nil {
			b.Fatal(e)
		}
		if d.Field(idx[0]) {
			symbol, _ = d.String()
		}
		if d.Field(idx[1]) {
			qty, _ = d.Int64()
		}
		if d.Field(idx[2]) {
			price, _ = d.Decimal(12, 4)
		}
		if d.Err() != nil {
			b.Fatal(d.Err())
		}
	}
	_, _, _ = symbol, qty, price
}

// benchKey and benchState are shaped like a generated GROUP BY symbol key and its accumulators: COUNT, SUM of a
// BIGINT, SUM of a DECIMAL product, MIN of a DECIMAL.
type benchKey struct {
	sym  string
	null bool
}

type benchState struct {
	n, qty, qtyN int64
	notional     Int128
	notionalN    int64
	low          Int128
	lowN         int64
}

// BenchmarkGroupsUpdate is one record's work after decoding in a GROUP BY over 10,000 Zipf-distributed keys: the
// group lookup (with and without the cache of recent keys) and four accumulator updates with overflow checks.
func BenchmarkGroupsUpdate(b *testing.B) {
	b.Run("map", func(b *testing.B) { benchGroupsUpdate(b, false) })
	b.Run("cached", func(b *testing.B) { benchGroupsUpdate(b, true) })
}

func benchGroupsUpdate(b *testing.B, cached bool) {
	g := NewGroups[benchKey, benchState]()
	g.OwnKeys(func(k *benchKey) { k.sym = Own(k.sym) })
	if cached {
		g.HashKeys(func(k benchKey) uint64 { return HashString(k.sym) })
	}
	syms := make([]string, 10000)
	for i := range syms {
		syms[i] = "SYM" + strconv.Itoa(100000+i)
	}
	zipf := rand.NewZipf(rand.New(rand.NewPCG(1, 2)), 1.1, 1, uint64(len(syms)-1))
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = syms[zipf.Uint64()]
	}
	price := I128(1892350)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		s, _ := g.Get(benchKey{sym: keys[i&(len(keys)-1)]})
		i++
		s.n++
		var ok bool
		if s.qty, ok = AddInt64(s.qty, 1500); !ok {
			b.Fatal("overflow")
		}
		s.qtyN++
		p, _ := price.Mul(I128(1500))
		if s.notional, ok = s.notional.Add(p); !ok {
			b.Fatal("overflow")
		}
		s.notionalN++
		if s.lowN == 0 || price.Cmp(s.low) < 0 {
			s.low = price
		}
		s.lowN++
	}
}

// BenchmarkWindowsUpdate is the same in a tumbling window with a watermark.
func BenchmarkWindowsUpdate(b *testing.B) {
	w := NewWindows[benchKey, benchState](60000)
	wm := NewWatermark(2000)
	syms := make([]string, 20)
	for i := range syms {
		syms[i] = "SYM" + strconv.Itoa(i)
	}
	ts := int64(1_700_000_000_000)
	b.ReportAllocs()
	for b.Loop() {
		ts += 10
		s, _ := w.Get(TumbleStart(ts, 60000), benchKey{sym: syms[ts%20]})
		s.n++
		if wm.Observe(ts) {
			w.CloseUpTo(wm.Current(), func(int64, *benchKey, *benchState) error { return nil })
		}
	}
}
