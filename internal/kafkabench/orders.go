// The benchmark's input: a deterministic stream of JSON orders shaped like those of examples/trading.

package main

import (
	"math/rand/v2"
	"strconv"
)

// symbol is one instrument: its ticker, base price in ticks of 0.0001 and relative order rate.
type symbol struct {
	name   string
	base   int64
	weight int
}

// symbols are the 20 instruments of examples/trading; weights make some busier than others.
var symbols = []symbol{
	{"AAPL", 1_898_500, 10}, {"MSFT", 4_152_000, 9}, {"NVDA", 1_150_250, 10}, {"AMZN", 1_841_200, 8},
	{"GOOGL", 1_732_100, 7}, {"META", 4_963_400, 7}, {"TSLA", 1_780_800, 9}, {"AMD", 1_617_500, 6},
	{"NFLX", 6_398_900, 4}, {"INTC", 309_600, 5}, {"ORCL", 1_186_400, 4}, {"CRM", 2_338_300, 4},
	{"ADBE", 4_823_000, 4}, {"AVGO", 14_055_000, 4}, {"QCOM", 2_081_100, 4}, {"CSCO", 466_200, 4},
	{"PEP", 1_710_500, 4}, {"KO", 631_300, 4}, {"JPM", 2_003_600, 5}, {"V", 2_742_900, 4},
}

// Shape of the generated stream.
const (
	startMillis = 1717421400000 // event time of the first order: 2024-06-03T13:30:00Z
	jitterMax   = 750           // event times are the nominal time ± up to this many milliseconds
	burstEvery  = 5             // every burstEvery-th minute, one symbol trades one-sidedly
)

// order is one generated order.
type order struct {
	symbol string
	side   string
	qty    int64
	ticks  int64 // price × 10^4
	ts     int64 // event time, epoch milliseconds
}

// generator produces n orders whose nominal event times rise evenly over minutes of event time, each jittered by
// up to ±750 ms (so the stream is slightly out of order, as orderflow.sql allows). Sides are balanced except in
// a one-sided burst: in every fifth minute one symbol sends 90% of its orders to one side, which is what the
// order-flow query reports. The output depends only on the seed, n and minutes.
type generator struct {
	rng     *rand.Rand
	n, i    int
	minutes int
	span    int64
	total   int
	price   []int64
}

func newGenerator(seed uint64, n, minutes int) *generator {
	g := &generator{
		rng:     rand.New(rand.NewPCG(seed, 0x6b61666b6162656e)), // "kafkaben"
		n:       n,
		minutes: max(minutes, 1),
		price:   make([]int64, len(symbols)),
	}
	g.span = int64(g.minutes) * 60_000
	for i, s := range symbols {
		g.price[i] = s.base
		g.total += s.weight
	}
	return g
}

// next returns the next order, or false after the n-th.
func (g *generator) next() (order, bool) {
	if g.i >= g.n {
		return order{}, false
	}
	nominal := startMillis + int64(float64(g.i)*float64(g.span)/float64(g.n))
	g.i++
	minute := int((nominal - startMillis) / 60_000)

	r := g.rng.IntN(g.total)
	sym := len(symbols) - 1
	for j, s := range symbols {
		if r < s.weight {
			sym = j
			break
		}
		r -= s.weight
	}

	buy := g.rng.IntN(2) == 0
	if minute%burstEvery == burstEvery/2 && sym == (minute/burstEvery)%len(symbols) {
		oneSided := g.rng.IntN(10) < 9
		buy = oneSided == (minute/burstEvery%2 == 0)
	}
	side := "SELL"
	if buy {
		side = "BUY"
	}

	// Round lots most of the time, odd lots otherwise: about 95% of quantities exceed 100.
	qty := int64(1 + g.rng.IntN(2000))
	if g.rng.IntN(10) < 6 {
		qty = int64(100 * (1 + g.rng.IntN(20)))
	}

	// A random walk of a few ticks, pulled back towards the base price.
	p := g.price[sym]
	p += int64(g.rng.IntN(41)) - 20 + (symbols[sym].base-p)/500
	p = max(p, 1)
	g.price[sym] = p

	ts := nominal + int64(g.rng.IntN(2*jitterMax+1)) - jitterMax
	ts = max(startMillis, min(ts, startMillis+g.span-1))
	return order{symbol: symbols[sym].name, side: side, qty: qty, ticks: p, ts: ts}, true
}

// appendJSON appends o as one JSON object without a newline:
// {"symbol":"AAPL","side":"BUY","quantity":1700,"price":189.8493,"event_time":1717421400403}. The price is written
// from its ticks, so it always has four decimals and never passes through a float.
func appendJSON(b []byte, o order) []byte {
	b = append(b, `{"symbol":"`...)
	b = append(b, o.symbol...)
	b = append(b, `","side":"`...)
	b = append(b, o.side...)
	b = append(b, `","quantity":`...)
	b = strconv.AppendInt(b, o.qty, 10)
	b = append(b, `,"price":`...)
	b = strconv.AppendInt(b, o.ticks/10_000, 10)
	b = append(b, '.')
	frac := o.ticks % 10_000
	for d := int64(1000); d > 1 && frac < d; d /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, frac, 10)
	b = append(b, `,"event_time":`...)
	b = strconv.AppendInt(b, o.ts, 10)
	return append(b, '}')
}
