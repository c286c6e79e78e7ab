// The nested workload's data (W11): orders as JSON lines with a nested customer object and an array of 1 to 5
// line items, about 400 bytes a line.

package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// Shape of the nested orders.
const (
	nestedCustomers = 100_000 // distinct customers, drawn uniformly
	nestedSKUs      = 5_000   // distinct products
	nestedMaxItems  = 5
)

// nestedRegions are the customers' regions, the GROUP BY key of W11.
var nestedRegions = []string{"EMEA-North", "EMEA-South", "NA-East", "NA-West", "LATAM", "APAC-North", "APAC-South", "ANZ"}

// nestedGen writes {"order_id":1,"customer":{"id":42,"name":"Customer 000042","region":"NA-East","tier":"gold",
// "email":"c000042@example.com"},"items":[{"sku":"SKU-00017","qty":3,"price":12.50,"discount":0.05},...],
// "channel":"web","currency":"EUR","event_time":1717421400000}.
type nestedGen struct {
	rng  *rand.Rand
	i    int64
	skus []int64 // each product's price in cents
	buf  []byte
}

func newNestedGen(seed uint64, rows int) generator {
	rng := rand.New(rand.NewPCG(seed, 0x6e65737465643031)) // "nested01"
	g := &nestedGen{rng: rng}
	for range nestedSKUs {
		g.skus = append(g.skus, 99+rng.Int64N(49_900)) // $0.99 to $499.98
	}
	return g
}

var (
	nestedTiers    = []string{"basic", "silver", "gold", "platinum"}
	nestedChannels = []string{"web", "mobile", "store", "partner"}
)

func (g *nestedGen) next(f *fields) {
	g.i++
	f.integer(g.i)
	c := g.rng.Int64N(nestedCustomers)
	b := g.buf[:0]
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, c, 10)
	b = fmt.Appendf(b, `,"name":"Customer %06d","region":"%s","tier":"%s","email":"c%06d@example.com"}`,
		c, nestedRegions[c%int64(len(nestedRegions))], nestedTiers[(c/7)%int64(len(nestedTiers))], c)
	f.str(string(b))
	b = append(b[:0], '[')
	for k := range 1 + g.rng.IntN(nestedMaxItems) {
		if k > 0 {
			b = append(b, ',')
		}
		s := g.rng.IntN(nestedSKUs)
		b = fmt.Appendf(b, `{"sku":"SKU-%05d","qty":%d,"price":`, s, 1+g.rng.IntN(12))
		p := g.skus[s]
		b = fmt.Appendf(b, `%d.%02d,"discount":0.%02d}`, p/100, p%100, g.rng.IntN(4)*5)
	}
	b = append(b, ']')
	f.str(string(b))
	f.str(nestedChannels[g.rng.IntN(len(nestedChannels))])
	f.str("EUR")
	f.integer(startMillis + g.i*10 + g.rng.Int64N(500))
	g.buf = b
}

// nestedOrders is W11's data set. Its nested columns are written as JSON (column.nested), so it has no CSV form.
var nestedOrders = &dataset{
	name:   "nested_orders",
	source: "nested_orders",
	columns: []column{
		{"order_id", "BIGINT", "BIGINT", false},
		{"customer", "STRUCT(id BIGINT, name VARCHAR, region VARCHAR, tier VARCHAR, email VARCHAR)",
			"STRUCT(id BIGINT, name VARCHAR, region VARCHAR, tier VARCHAR, email VARCHAR)", false},
		{"items", "STRUCT(sku VARCHAR, qty INT, price DECIMAL(10,2), discount DECIMAL(3,2))[]",
			"STRUCT(sku VARCHAR, qty INTEGER, price DECIMAL(10,2), discount DECIMAL(3,2))[]", false},
		{"channel", "VARCHAR", "VARCHAR", true},
		{"currency", "VARCHAR", "VARCHAR", true},
		{"event_time", "TIMESTAMP", "BIGINT", false},
	},
	formats: []format{{ext: "jsonl"}},
	about: "orders with a nested customer object (100,000 customers in 8 regions) and an array of 1 to 5 line " +
		"items (5,000 products), about 400 bytes a line",
	newGen: newNestedGen,
}
