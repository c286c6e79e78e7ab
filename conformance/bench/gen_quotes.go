// The interval join workload's data (W7): quotes of the same symbols from two venues, over the same span of event
// time, each stream a little out of order.

package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Shape of the quote streams.
const (
	quoteSymbols = 1_000 // distinct symbols, shared by both venues
	quoteZipf    = 0.5   // symbol activity: weight of the symbol of rank r (from 1) is r^-quoteZipf
	// quoteStepMillis is the event time between one quote and the next of a venue. With both venues at that rate
	// and the symbols' weights above, a quote meets about quotePairs quotes of the other venue within ±10 s:
	// 20,001 ms / quoteStepMillis × Σ weight² (0.00196 for 1,000 symbols and exponent 0.5).
	quoteStepMillis = 16
	quotePairs      = 2.45
	// quoteJitterMillis bounds how far a quote's time lies after its place in the stream: a quote is at most
	// that much (exclusive) behind the latest one before it, so a watermark lag of 1 s makes none late.
	quoteJitterMillis = 1_000
)

// quoteMarket is what both venues share: the symbols by rank of activity, the cumulative weights to draw a rank
// from, and each rank's base price.
type quoteMarket struct {
	symbols []string
	cum     []float64 // cum[r] = Σ weights of ranks 0..r, normalized so that the last is 1
	base    []int64   // ticks of 0.0001
}

// newQuoteMarket returns the market of seed: the same for both venues.
func newQuoteMarket(seed uint64) *quoteMarket {
	rng := rand.New(rand.NewPCG(seed, 0x71756f74656d6b74)) // "quotemkt"
	m := &quoteMarket{}
	sum := 0.0
	for r, id := range rng.Perm(quoteSymbols) {
		m.symbols = append(m.symbols, fmt.Sprintf("QS%04d", id))
		sum += math.Pow(float64(r+1), -quoteZipf)
		m.cum = append(m.cum, sum)
		m.base = append(m.base, int64(math.Round(math.Exp(rng.Float64()*math.Log(500))*10_000))) // $1 to $500
	}
	for r := range m.cum {
		m.cum[r] /= sum
	}
	return m
}

// rank draws a symbol's rank.
func (m *quoteMarket) rank(rng *rand.Rand) int {
	r, _ := slices.BinarySearch(m.cum, rng.Float64())
	return min(r, len(m.cum)-1)
}

// quotesGen writes one venue's quotes: {"quote_id":1,"symbol":"QS0042","side":"BID","price":12.3400,"size":300,
// "event_time":1717421400123}. Quote i (from 0) is stamped startMillis + i·quoteStepMillis plus a jitter below
// quoteJitterMillis, so both venues span the same event time, rows·quoteStepMillis, whatever the row count.
type quotesGen struct {
	rng    *rand.Rand
	market *quoteMarket
	price  []int64 // each rank's current price at this venue
	i      int64
}

// newQuotesGen returns the generator of the venue whose random stream is told apart by stream.
func newQuotesGen(stream uint64) func(seed uint64, rows int) generator {
	return func(seed uint64, rows int) generator {
		m := newQuoteMarket(seed)
		return &quotesGen{rng: rand.New(rand.NewPCG(seed, stream)), market: m, price: slices.Clone(m.base)}
	}
}

func (g *quotesGen) next(f *fields) {
	r := g.market.rank(g.rng)
	// A random walk of up to 0.05% a quote, pulled back towards the base price shared by both venues.
	p := walkPrice(g.rng, &g.price[r], g.market.base[r], 100)
	size := 100 * (1 + g.rng.Int64N(10))
	if g.rng.IntN(4) == 0 {
		size = 1 + g.rng.Int64N(99)
	}
	ts := startMillis + g.i*quoteStepMillis + g.rng.Int64N(quoteJitterMillis)
	g.i++

	f.integer(g.i)
	f.str(g.market.symbols[r])
	if g.rng.IntN(2) == 0 {
		f.str("BID")
	} else {
		f.str("ASK")
	}
	f.decimal(p, 4)
	f.integer(size)
	f.integer(ts)
}

// quoteColumns are the columns of both venues' quotes.
var quoteColumns = []column{
	{"quote_id", "BIGINT", "BIGINT", false},
	{"symbol", "VARCHAR", "VARCHAR", true},
	{"side", "VARCHAR", "VARCHAR", true},
	{"price", "DECIMAL(12,4)", "DECIMAL(12,4)", false},
	{"size", "BIGINT", "BIGINT", false},
	{"event_time", "TIMESTAMP", "BIGINT", false},
}

// quotesAbout describes the quote files for the report.
var quotesAbout = fmt.Sprintf("one venue's quotes of %s symbols (shared by both venues; activity by a Zipf law of "+
	"exponent %.1f), one every %d ms of event time plus a jitter of up to %d ms, so out of order by up to a "+
	"second; prices a random walk around a base price both venues share",
	"1,000", quoteZipf, quoteStepMillis, quoteJitterMillis-1)

// The two venues' quote streams of W7.
var (
	quotesA = &dataset{name: "quotes_a", source: "quotes_a", columns: quoteColumns, formats: []format{{ext: "jsonl"}},
		about: quotesAbout, newGen: newQuotesGen(0x71756f7465737341)} // "quotessA"
	quotesB = &dataset{name: "quotes_b", source: "quotes_b", columns: quoteColumns, formats: []format{{ext: "jsonl"}},
		about: quotesAbout, newGen: newQuotesGen(0x71756f7465737342)} // "quotessB"
)
