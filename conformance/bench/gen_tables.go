// The stream–table join workload's data (W6): orders, and the instruments and traders tables they are joined with.
// The tables are generated from their number of distinct keys; their files also hold duplicate keys (later
// revisions of earlier rows), and the orders' keys overlap theirs only partly.

package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Sizes of W6's tables, whatever the number of orders.
const (
	instrumentKeys = 100_000
	traderKeys     = 5_000
)

// A table of n keys is drawn from a universe of ranks: rank r is in the table unless r%6 == 5, so the universe
// holds about n/5 keys more than the table, and a stream drawing its keys from the universe misses the table for
// about a sixth of its distinct keys. A seeded permutation maps ranks to ids, so that the names of popular keys
// are spread over the key space.

// listed reports whether universe rank r is a key of the table.
func listed(r int) bool { return r%6 != 5 }

// universe returns the size of the universe of a table of keys keys: the smallest with keys listed ranks.
func universe(keys int) int { return keys + (keys+4)/5 }

// instrumentUniverse returns the symbol of each rank of the universe of an instruments table of keys keys, for
// seed: SYM0000000, SYM0000001, ..., in the order of a seeded permutation.
func instrumentUniverse(seed uint64, keys int) []string {
	rng := rand.New(rand.NewPCG(seed, 0x696e737472756d73)) // "instrums"
	out := make([]string, universe(keys))
	for r, id := range rng.Perm(len(out)) {
		out[r] = fmt.Sprintf("SYM%07d", id)
	}
	return out
}

// traderUniverse returns the trader id of each rank of the universe of a traders table of keys keys, for seed:
// 1..universe, permuted.
func traderUniverse(seed uint64, keys int) []int64 {
	rng := rand.New(rand.NewPCG(seed, 0x7472616465727331)) // "traders1"
	out := make([]int64, universe(keys))
	for r, id := range rng.Perm(len(out)) {
		out[r] = int64(id + 1)
	}
	return out
}

// tableLines is the number of lines of a table file of keys keys: each key once, and 2% more lines that repeat
// an earlier key with other values (for traders, 5%).
func tableLines(keys int, percent int) int { return keys + keys*percent/100 }

// upserts hands out the keys of a table file, line by line: every listed rank once, in a random order, and the
// extra lines as repeats of a key already given, at random places (selection sampling, so the counts are exact).
type upserts struct {
	rng   *rand.Rand
	order []int // the listed ranks, in the order of their first line
	next  int   // of order
	lines int   // lines left
	dups  int   // duplicate lines left
}

func newUpserts(rng *rand.Rand, keys, lines int) *upserts {
	u := &upserts{rng: rng, lines: lines, dups: lines - keys}
	for r := range universe(keys) {
		if listed(r) {
			u.order = append(u.order, r)
		}
	}
	rng.Shuffle(len(u.order), func(i, j int) { u.order[i], u.order[j] = u.order[j], u.order[i] })
	return u
}

// key returns the rank of the next line's key.
func (u *upserts) key() int {
	dup := u.next > 0 && (u.next == len(u.order) || u.rng.IntN(u.lines) < u.dups)
	u.lines--
	if dup {
		u.dups--
		return u.order[u.rng.IntN(u.next)]
	}
	u.next++
	return u.order[u.next-1]
}

// sectors are the instruments' sectors (GICS).
var sectors = []string{"Energy", "Materials", "Industrials", "Consumer Discretionary", "Consumer Staples",
	"Health Care", "Financials", "Information Technology", "Communication Services", "Utilities", "Real Estate"}

// currencies and their weights.
var currencies = []struct {
	name   string
	weight int
}{{"USD", 50}, {"EUR", 20}, {"GBP", 10}, {"JPY", 10}, {"CHF", 5}, {"CAD", 5}}

// tickSizes are the instruments' tick sizes, in units of 0.0001.
var tickSizes = []int64{1, 10, 100, 500}

// instrumentsGen writes symbol,name,sector,currency,tick_size,lot_size,rev lines: rev is the line's number, so
// the last line of a key is the one with the highest rev.
type instrumentsGen struct {
	rng     *rand.Rand
	symbols []string
	u       *upserts
	rev     int64
}

func newInstrumentsGen(seed uint64, keys int) generator {
	rng := rand.New(rand.NewPCG(seed, 0x696e73746c696e65)) // "instline"
	return &instrumentsGen{rng: rng, symbols: instrumentUniverse(seed, keys),
		u: newUpserts(rng, keys, tableLines(keys, 2))}
}

// nameSyllables make up the instruments' names.
var nameSyllables = []string{"ka", "lo", "mi", "ra", "ne", "tu", "bo", "sa", "vi", "del", "gen", "ton", "mar", "ko",
	"ya", "dor", "zel", "qu", "ri", "ha"}

// nameSuffixes end the instruments' names.
var nameSuffixes = []string{"Holdings", "Group", "Corp", "Inc", "Industries", "Systems", "Energy", "Bank", "Capital", "Labs"}

func (g *instrumentsGen) next(f *fields) {
	g.rev++
	f.str(g.symbols[g.u.key()])
	for k := range 2 + g.rng.IntN(3) {
		s := nameSyllables[g.rng.IntN(len(nameSyllables))]
		if k == 0 {
			s = strings.ToUpper(s[:1]) + s[1:]
		}
		f.buf = append(f.buf, s...)
	}
	f.buf = append(f.buf, ' ')
	f.str(nameSuffixes[g.rng.IntN(len(nameSuffixes))])
	f.str(sectors[g.rng.IntN(len(sectors))])
	r := g.rng.IntN(100)
	cur := currencies[len(currencies)-1].name
	for _, c := range currencies {
		if r < c.weight {
			cur = c.name
			break
		}
		r -= c.weight
	}
	f.str(cur)
	f.decimal(tickSizes[g.rng.IntN(len(tickSizes))], 4)
	f.integer([]int64{1, 1, 10, 100}[g.rng.IntN(4)])
	f.integer(g.rev)
}

// regions and their weights.
var regions = []struct {
	name   string
	weight int
}{{"AMER", 45}, {"EMEA", 35}, {"APAC", 20}}

// tradersGen writes trader_id,desk,region,risk_limit,rev records; rev as for instruments.
type tradersGen struct {
	rng *rand.Rand
	ids []int64
	u   *upserts
	rev int64
}

func newTradersGen(seed uint64, keys int) generator {
	rng := rand.New(rand.NewPCG(seed, 0x7472646c696e6573)) // "trdlines"
	return &tradersGen{rng: rng, ids: traderUniverse(seed, keys), u: newUpserts(rng, keys, tableLines(keys, 5))}
}

func (g *tradersGen) next(f *fields) {
	g.rev++
	f.integer(g.ids[g.u.key()])
	f.buf = fmt.Appendf(f.buf, "DESK-%02d", g.rng.IntN(40))
	f.end()
	r := g.rng.IntN(100)
	region := regions[len(regions)-1].name
	for _, x := range regions {
		if r < x.weight {
			region = x.name
			break
		}
		r -= x.weight
	}
	f.str(region)
	f.integer([]int64{500, 1000, 2000, 5000, 10000, 25000}[g.rng.IntN(6)])
	f.integer(g.rev)
}

// equityOrdersGen writes orders: {"order_id":1,"symbol":"SYM0012345","trader_id":1234,"side":"BUY",
// "order_type":"LIMIT","quantity":300,"price":123.4567,"event_time":1717421400123}. Symbols and traders are
// drawn by a Zipf law over the universes of W6's tables (so about one order in six, by key, finds no row).
type equityOrdersGen struct {
	rng          *rand.Rand
	rows, i      int
	symbols      []string
	traders      []int64
	symZipf, trZ *rand.Zipf
	base, price  []int64 // per symbol rank, ticks of 0.0001
}

// orderZipfS and orderZipfV shape the orders' Zipf laws: P(rank r) ∝ (v + r)^-s, so the most popular symbol
// gets about 1.6% of the orders and the first thousand about 60%.
const (
	orderZipfS = 1.1
	orderZipfV = 10
)

func newEquityOrdersGen(seed uint64, rows int) generator {
	rng := rand.New(rand.NewPCG(seed, 0x6571756974796f72)) // "equityor"
	g := &equityOrdersGen{rng: rng, rows: rows, symbols: instrumentUniverse(seed, instrumentKeys),
		traders: traderUniverse(seed, traderKeys)}
	g.symZipf = rand.NewZipf(rng, orderZipfS, orderZipfV, uint64(len(g.symbols)-1))
	g.trZ = rand.NewZipf(rng, orderZipfS, orderZipfV, uint64(len(g.traders)-1))
	g.base = make([]int64, len(g.symbols))
	for r := range g.base {
		g.base[r] = int64(math.Round(math.Exp(rng.Float64()*math.Log(1000)) * 10_000)) // $1 to $1000
	}
	g.price = append([]int64(nil), g.base...)
	return g
}

func (g *equityOrdersGen) next(f *fields) {
	g.i++
	rank := int(g.symZipf.Uint64())
	p := walkPrice(g.rng, &g.price[rank], g.base[rank], 200)
	qty := drawQuantity(g.rng)
	orderType := "LIMIT"
	switch r := g.rng.IntN(100); {
	case r < 15:
		orderType = "MARKET"
	case r < 20:
		orderType = "IOC"
	}
	span := int64(6.5 * 3600_000)
	ts := startMillis + int64(float64(g.i-1)*float64(span)/float64(max(g.rows, 1))) + g.rng.Int64N(1000)

	f.integer(int64(g.i))
	f.str(g.symbols[rank])
	f.integer(g.traders[g.trZ.Uint64()])
	if g.rng.IntN(100) < 52 {
		f.str("BUY")
	} else {
		f.str("SELL")
	}
	f.str(orderType)
	f.integer(qty)
	f.decimal(p, 4)
	f.integer(ts)
}

// The data sets of W6.
var (
	equityOrders = &dataset{
		name:   "equity_orders",
		source: "orders",
		columns: []column{
			{"order_id", "BIGINT", "BIGINT", false},
			{"symbol", "VARCHAR", "VARCHAR", true},
			{"trader_id", "BIGINT", "BIGINT", false},
			{"side", "VARCHAR", "VARCHAR", true},
			{"order_type", "VARCHAR", "VARCHAR", true},
			{"quantity", "BIGINT", "BIGINT", false},
			{"price", "DECIMAL(12,4)", "DECIMAL(12,4)", false},
			{"event_time", "TIMESTAMP", "BIGINT", false},
		},
		formats: []format{{ext: "jsonl"}},
		about: "orders over the 120,000 symbols and 6,000 traders of the instruments' and traders' key spaces, " +
			"each drawn by a Zipf law (P(rank r) ∝ (10 + r)^-1.1: the first thousand symbols get about 60% of the " +
			"orders), so that some orders find no instrument or trader; prices a random walk, lots as for trades",
		newGen: newEquityOrdersGen,
	}
	instruments = &dataset{
		name:   "instruments",
		source: "instruments",
		key:    []string{"symbol"},
		columns: []column{
			{"symbol", "VARCHAR", "VARCHAR", true},
			{"name", "VARCHAR", "VARCHAR", true},
			{"sector", "VARCHAR", "VARCHAR", true},
			{"currency", "VARCHAR", "VARCHAR", true},
			{"tick_size", "DECIMAL(10,4)", "DECIMAL(10,4)", false},
			{"lot_size", "BIGINT", "BIGINT", false},
			{"rev", "BIGINT", "BIGINT", false},
		},
		formats: []format{{ext: "csv", delim: ','}},
		about: "a table of 100,000 instruments (5 of every 6 symbols of the orders' key space, and symbols no order " +
			"names), in a random order, with 2% more lines repeating an earlier symbol with other values; `rev` is " +
			"the line's number",
		lines:  func(keys int) int { return tableLines(keys, 2) },
		newGen: newInstrumentsGen,
	}
	traders = &dataset{
		name:   "traders",
		source: "traders",
		key:    []string{"trader_id"},
		columns: []column{
			{"trader_id", "BIGINT", "BIGINT", false},
			{"desk", "VARCHAR", "VARCHAR", true},
			{"region", "VARCHAR", "VARCHAR", true},
			{"risk_limit", "BIGINT", "BIGINT", false},
			{"rev", "BIGINT", "BIGINT", false},
		},
		formats: []format{{ext: "jsonl"}},
		about: "a table of 5,000 traders (5 of every 6 ids of the orders' key space) with 5% more lines repeating " +
			"an earlier trader with other values; `rev` is the line's number",
		lines:  func(keys int) int { return tableLines(keys, 5) },
		newGen: newTradersGen,
	}
)
