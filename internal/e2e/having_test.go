package e2e

import (
	"math/big"
	"testing"
)

// The having job runs one query per HAVING form over the same orders, each writing its own file.
func init() {
	jobScripts["having"] = `CREATE STREAM orders ` + orderSchema + `
  WITH ('type'='file_source', 'path'='orders.jsonl', 'event.time.field'='event_time');

-- HAVING on a SELECT alias.
CREATE STREAM having_alias AS
SELECT symbol, SUM(quantity) AS total_volume, COUNT(*) AS n
FROM orders
GROUP BY symbol
HAVING total_volume > 10000
WINDOW TUMBLING(event_time, INTERVAL '1' MINUTE)
EMIT FINAL
WITH ('having_alias.type'='file_sink', 'having_alias.path'='having_alias.jsonl');

-- HAVING over arithmetic of aggregates of two types.
CREATE STREAM having_arith AS
SELECT symbol, SUM(quantity) AS q, SUM(price) AS p, (SUM(quantity) + SUM(price)) * 2 AS score,
       TUMBLE_START(event_time, INTERVAL '10' SECOND) AS ws
FROM orders
GROUP BY symbol
HAVING (SUM(quantity) + SUM(price)) * 2 > 1000
WINDOW TUMBLING(event_time, INTERVAL '10' SECOND)
EMIT FINAL
WITH ('having_arith.type'='file_sink', 'having_arith.path'='having_arith.jsonl');

-- HAVING multiplying COUNT(*) by an AVG of a DECIMAL.
CREATE STREAM having_countavg AS
SELECT symbol, side, COUNT(*) AS n, AVG(price) AS avg_price, COUNT(*) * AVG(price) AS approx, AVG(quantity) AS avg_qty
FROM orders
GROUP BY symbol, side
HAVING COUNT(*) * AVG(price) > 100
WINDOW TUMBLING(event_time, INTERVAL '10' SECOND)
EMIT FINAL
WITH ('having_countavg.type'='file_sink', 'having_countavg.path'='having_countavg.jsonl');

-- CASE around an aggregate in HAVING.
CREATE STREAM having_case AS
SELECT symbol, side, SUM(quantity) AS q, CASE WHEN SUM(quantity) > 500 THEN 'high' ELSE 'low' END AS label
FROM orders
GROUP BY symbol, side
HAVING CASE WHEN SUM(quantity) > 100 THEN 1 ELSE 0 END = 1
WINDOW TUMBLING(event_time, INTERVAL '5' SECOND)
EMIT FINAL
WITH ('having_case.type'='file_sink', 'having_case.path'='having_case.jsonl');

-- Nested CASE inside and around aggregates, in SELECT and HAVING.
CREATE STREAM having_nested AS
SELECT symbol,
       SUM(CASE WHEN side = 'BUY' THEN CASE WHEN quantity > 500 THEN quantity * 2 ELSE quantity END ELSE -quantity END) AS weighted,
       CASE WHEN SUM(quantity) > 5000 THEN CASE WHEN MAX(price) > 100 THEN 'big-expensive' ELSE 'big' END
            WHEN SUM(quantity) IS NULL THEN 'none'
            ELSE 'small' END AS bucket,
       MAX(price) AS max_price,
       SUM(CASE WHEN price IS NULL THEN 1 ELSE 0 END) AS no_price
FROM orders
GROUP BY symbol
HAVING CASE WHEN COUNT(*) > 10 THEN SUM(CASE WHEN side = 'SELL' THEN 1 ELSE 0 END) ELSE 0 END
       >= CASE WHEN SUM(quantity) > 3000 THEN 5 ELSE 2 END
WINDOW TUMBLING(event_time, INTERVAL '30' SECOND)
EMIT FINAL
WITH ('having_nested.type'='file_sink', 'having_nested.path'='having_nested.jsonl');

-- WHERE before a window: the records it filters out still move the watermark.
CREATE STREAM where_window AS
SELECT symbol, COUNT(*) AS n, SUM(quantity) AS q, TUMBLE_END(event_time, INTERVAL '10' SECOND) AS we
FROM orders
WHERE side = 'BUY' AND quantity > 0
GROUP BY symbol
WINDOW TUMBLING(event_time, INTERVAL '10' SECOND)
EMIT FINAL
WITH ('where_window.type'='file_sink', 'where_window.path'='where_window.jsonl');

-- NULL keys: all NULL symbols (and sides) form one group each; no window, so nothing is late.
CREATE STREAM null_keys AS
SELECT symbol, side, COUNT(*) AS n, SUM(quantity) AS q, MIN(price) AS low
FROM orders
GROUP BY symbol, side
EMIT FINAL
WITH ('null_keys.type'='file_sink', 'null_keys.path'='null_keys.jsonl');
`
}

// dsum is the value of a DECIMAL SUM at scale 4, or nil.
func (s *decSum) val() any {
	if s.n == 0 {
		return nil
	}
	return decText(&s.v, 4)
}

// decMax is MAX over a DECIMAL(12,4).
type decMax struct{ v *big.Int }

func (m *decMax) add(v *big.Int) {
	if v != nil && (m.v == nil || v.Cmp(m.v) > 0) {
		m.v = v
	}
}

func (m *decMax) min(v *big.Int) {
	if v != nil && (m.v == nil || v.Cmp(m.v) < 0) {
		m.v = v
	}
}

func (m *decMax) val() any {
	if m.v == nil {
		return nil
	}
	return decText(m.v, 4)
}

func refHavingAlias(orders []order) []row {
	type state struct {
		total sum
		n     int64
	}
	groups, _ := refAggregate(orders, 60000, 0, false, func(s *state, o order) { s.total.add(o.qty); s.n++ })
	var rows []row
	for _, g := range groups {
		if !isTrue(cmpGT(g.state.total.val(), 10000)) {
			continue
		}
		rows = append(rows, row{{"symbol", strOrNil(g.key)}, {"total_volume", g.state.total.val()}, {"n", g.state.n}})
	}
	return rows
}

func refHavingArith(orders []order) []row {
	type state struct {
		q sum
		p decSum
	}
	groups, _ := refAggregate(orders, 10000, 0, false, func(s *state, o order) { s.q.add(o.qty); s.p.add(o.price) })
	var rows []row
	for _, g := range groups {
		s := g.state
		var score any
		var pass bool
		if s.q.n > 0 && s.p.n > 0 {
			v := new(big.Int).Mul(big.NewInt(s.q.v), pow10(4)) // SUM(quantity) at scale 4
			v.Add(v, &s.p.v).Mul(v, big.NewInt(2))
			score = decText(v, 4)
			pass = v.Cmp(new(big.Int).Mul(big.NewInt(1000), pow10(4))) > 0
		}
		if !pass {
			continue
		}
		rows = append(rows, row{{"symbol", strOrNil(g.key)}, {"q", s.q.val()}, {"p", s.p.val()}, {"score", score}, {"ws", g.start}})
	}
	return rows
}

func refHavingCountAvg(orders []order) []row {
	type state struct {
		n int64
		p decSum
		q sum
	}
	groups, _ := refAggregate(orders, 10000, 0, true, func(s *state, o order) { s.n++; s.p.add(o.price); s.q.add(o.qty) })
	var rows []row
	for _, g := range groups {
		s := g.state
		if s.p.n == 0 {
			continue // AVG is NULL, so is the product, and HAVING fails
		}
		// AVG(DECIMAL(12,4)) is DECIMAL(38,10): the exact mean rounded half away from zero to 10 digits.
		avg := divRound(new(big.Int).Mul(&s.p.v, pow10(6)), big.NewInt(s.p.n))
		approx := new(big.Int).Mul(avg, big.NewInt(s.n))
		if approx.Cmp(new(big.Int).Mul(big.NewInt(100), pow10(10))) <= 0 {
			continue
		}
		var avgQty any
		if s.q.n > 0 {
			avgQty = float64(s.q.v) / float64(s.q.n)
		}
		rows = append(rows, row{{"symbol", strOrNil(g.key)}, {"side", strOrNil(g.side)}, {"n", s.n},
			{"avg_price", decText(avg, 10)}, {"approx", decText(approx, 10)}, {"avg_qty", avgQty}})
	}
	return rows
}

func refHavingCase(orders []order) []row {
	groups, _ := refAggregate(orders, 5000, 0, true, func(s *sum, o order) { s.add(o.qty) })
	var rows []row
	for _, g := range groups {
		q := g.state.val()
		// CASE WHEN SUM(quantity) > 100 THEN 1 ELSE 0 END = 1: a NULL sum takes the ELSE branch.
		if !isTrue(cmpGT(q, 100)) {
			continue
		}
		label := "low"
		if isTrue(cmpGT(q, 500)) {
			label = "high"
		}
		rows = append(rows, row{{"symbol", strOrNil(g.key)}, {"side", strOrNil(g.side)}, {"q", q}, {"label", label}})
	}
	return rows
}

func refHavingNested(orders []order) []row {
	type state struct {
		weighted, q   sum
		maxPrice      decMax
		noPrice, sell int64
		n             int64
	}
	groups, _ := refAggregate(orders, 30000, 0, false, func(s *state, o order) {
		var w *int64
		switch {
		case o.side != nil && *o.side == "BUY":
			// CASE WHEN quantity > 500 THEN quantity * 2 ELSE quantity END
			if o.qty != nil && *o.qty > 500 {
				w = ptr(*o.qty * 2)
			} else {
				w = o.qty
			}
		case o.qty != nil:
			w = ptr(-*o.qty)
		}
		s.weighted.add(w)
		s.q.add(o.qty)
		s.maxPrice.add(o.price)
		if o.price == nil {
			s.noPrice++
		}
		if o.side != nil && *o.side == "SELL" {
			s.sell++
		}
		s.n++
	})
	hundred := new(big.Int).Mul(big.NewInt(100), pow10(4))
	var rows []row
	for _, g := range groups {
		s := g.state
		left := int64(0)
		if s.n > 10 {
			left = s.sell
		}
		right := int64(2)
		if isTrue(cmpGT(s.q.val(), 3000)) {
			right = 5
		}
		if left < right {
			continue
		}
		var bucket string
		switch {
		case isTrue(cmpGT(s.q.val(), 5000)):
			bucket = "big"
			if s.maxPrice.v != nil && s.maxPrice.v.Cmp(hundred) > 0 {
				bucket = "big-expensive"
			}
		case s.q.n == 0:
			bucket = "none"
		default:
			bucket = "small"
		}
		rows = append(rows, row{{"symbol", strOrNil(g.key)}, {"weighted", s.weighted.val()}, {"bucket", bucket},
			{"max_price", s.maxPrice.val()}, {"no_price", s.noPrice}})
	}
	return rows
}

func buyWhere(o order) bool { return o.side != nil && *o.side == "BUY" && o.qty != nil && *o.qty > 0 }

func refWhereWindow(orders []order) []row {
	type state struct {
		n int64
		q sum
	}
	groups, _ := refAggregateWhere(orders, 10000, 0, false, buyWhere, func(s *state, o order) { s.n++; s.q.add(o.qty) })
	var rows []row
	for _, g := range groups {
		rows = append(rows, row{{"symbol", strOrNil(g.key)}, {"n", g.state.n}, {"q", g.state.q.val()}, {"we", g.start + 10000}})
	}
	return rows
}

func refNullKeys(orders []order) []row {
	type state struct {
		n   int64
		q   sum
		low decMax
	}
	groups, _ := refAggregate(orders, 0, 0, true, func(s *state, o order) { s.n++; s.q.add(o.qty); s.low.min(o.price) })
	var rows []row
	for _, g := range groups {
		rows = append(rows, row{{"symbol", strOrNil(g.key)}, {"side", strOrNil(g.side)}, {"n", g.state.n},
			{"q", g.state.q.val()}, {"low", g.state.low.val()}})
	}
	return rows
}

// TestHaving runs each HAVING form over generated orders and checks its rows against a reference.
func TestHaving(t *testing.T) {
	needBuild(t)
	orders := genOrders(3, 3000, 4000)
	dir := t.TempDir()
	writeFile(t, dir, "orders.jsonl", ordersJSONL(orders, 3))
	res := runOK(t, "having", dir, "--bounded")
	if res.Stdout != "" {
		t.Errorf("nothing should go to stdout; got:\n%s", res.Stdout)
	}
	for _, c := range []struct {
		name string
		ref  func([]order) []row
	}{
		{"having_alias", refHavingAlias},
		{"having_arith", refHavingArith},
		{"having_countavg", refHavingCountAvg},
		{"having_case", refHavingCase},
		{"having_nested", refHavingNested},
		{"where_window", refWhereWindow},
		{"null_keys", refNullKeys},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := c.ref(orders)
			if len(want) < 5 {
				t.Fatalf("the data gives only %d rows", len(want))
			}
			got := parseRows(t, readFile(t, dir, c.name+".jsonl"))
			checkRows(t, c.name, got, want)
			if got, want := statsLine(t, res.Stderr, c.name), c.name+": emitted "+itoa(len(want)); got != want {
				t.Errorf("stats: got %q, want %q", got, want)
			}
		})
	}

	// The data must tell a watermark of the source from one of the records that pass WHERE.
	var buys []order
	for _, o := range orders {
		if buyWhere(o) {
			buys = append(buys, o)
		}
	}
	_, lateSource := refAggregateWhere(orders, 10000, 0, false, buyWhere, func(*int, order) {})
	_, lateFiltered := refAggregate(buys, 10000, 0, false, func(*int, order) {})
	if lateSource == lateFiltered {
		t.Errorf("where_window: %d late records with either watermark; the data does not test which one the job keeps", lateSource)
	}

	// A record too late for the windows of several queries counts once.
	lateAny := 0
	for i, o := range orders {
		for _, size := range []int64{60000, 10000, 5000, 30000} {
			if isLate(orders[:i], o, size, 0) {
				lateAny++
				break
			}
		}
	}
	if got, want := statsLine(t, res.Stderr, "orders"), "orders: read "+itoa(len(orders))+", bad 0, late "+itoa(lateAny); got != want {
		t.Errorf("stats: got %q, want %q", got, want)
	}

	// Every group of null_keys is distinct, NULLs included: exactly one (NULL, NULL) group.
	nulls := 0
	for _, r := range parseRows(t, readFile(t, dir, "null_keys.jsonl")) {
		if r.get("symbol") == nil && r.get("side") == nil {
			nulls++
		}
	}
	if nulls != 1 {
		t.Errorf("null_keys: %d rows for the (NULL, NULL) group, want 1", nulls)
	}
}
