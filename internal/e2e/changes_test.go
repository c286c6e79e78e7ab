package e2e

import (
	"strings"
	"testing"
)

// EMIT CHANGES with HAVING, as observed and checked here: every record that updates a group writes the group's
// current row if it passes HAVING (even when the values did not change). When a group whose row was written stops
// passing, a retraction is written: the same row with every column that reads an aggregate NULL, the key columns
// and window bounds kept, and "_retract":true appended as the last key. A group that never passed, or whose row
// was already retracted, writes nothing. Windowed EMIT CHANGES works the same per window; closing a window writes
// nothing more.
func init() {
	jobScripts["changes"] = `CREATE STREAM orders ` + orderSchema + `
  WITH ('type'='file_source', 'path'='orders.jsonl', 'event.time.field'='event_time');

CREATE STREAM net_flow AS
SELECT symbol,
       SUM(CASE WHEN side = 'BUY' THEN quantity WHEN side = 'SELL' THEN -quantity ELSE 0 END) AS net,
       COUNT(*) AS n,
       UPPER(symbol) AS sym
FROM orders
GROUP BY symbol
HAVING SUM(CASE WHEN side = 'BUY' THEN quantity WHEN side = 'SELL' THEN -quantity ELSE 0 END) > 0
EMIT CHANGES
WITH ('net_flow.type'='file_sink', 'net_flow.path'='net_flow.jsonl');

CREATE STREAM windowed_changes AS
SELECT symbol, SUM(quantity) AS q, TUMBLE_START(event_time, INTERVAL '10' SECOND) AS ws
FROM orders
GROUP BY symbol
HAVING SUM(quantity) > 1000
WINDOW TUMBLING(event_time, INTERVAL '10' SECOND)
EMIT CHANGES
WITH ('windowed_changes.type'='file_sink', 'windowed_changes.path'='windowed_changes.jsonl');
`
}

// refChanges replays orders through a per-record EMIT CHANGES reference: for each record that is not late, fold it
// into its group, then write the group's row, or its retraction, as described above.
func refChanges[S any](orders []order, size int64, add func(s *S, o order), having func(s *S) bool, cols func(start int64, key *string, s *S) row) (rows []row, retractions int) {
	type group struct {
		state   S
		emitted bool
	}
	groups := map[[2]string]*group{}
	maxSeen := int64(-1 << 63)
	for _, o := range orders {
		start := int64(0)
		if size > 0 {
			start = o.ts - ((o.ts%size)+size)%size
			if maxSeen != -1<<63 && start+size <= maxSeen {
				continue // late
			}
			maxSeen = max(maxSeen, o.ts)
		}
		k := [2]string{itoa(int(start)), keyOf(o.symbol)}
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
		}
		add(&g.state, o)
		switch {
		case having(&g.state):
			rows = append(rows, cols(start, o.symbol, &g.state))
			g.emitted = true
		case g.emitted:
			r := cols(start, o.symbol, nil)
			rows = append(rows, append(r, kv{"_retract", true}))
			g.emitted = false
			retractions++
		}
	}
	return rows, retractions
}

func TestEmitChanges(t *testing.T) {
	needBuild(t)
	orders := genOrders(4, 3000, 4000)
	dir := t.TempDir()
	writeFile(t, dir, "orders.jsonl", ordersJSONL(orders, 4))
	res := runOK(t, "changes", dir, "--bounded")

	t.Run("net_flow", func(t *testing.T) {
		type state struct {
			net sum
			n   int64
		}
		zero := int64(0)
		want, retractions := refChanges(orders, 0, func(s *state, o order) {
			switch {
			case o.side != nil && *o.side == "BUY":
				s.net.add(o.qty)
			case o.side != nil && *o.side == "SELL":
				if o.qty != nil {
					s.net.add(ptr(-*o.qty))
				} else {
					s.net.add(nil)
				}
			default:
				s.net.add(&zero)
			}
			s.n++
		}, func(s *state) bool {
			return isTrue(cmpGT(s.net.val(), 0))
		}, func(_ int64, key *string, s *state) row {
			var sym any
			if key != nil {
				sym = strings.ToUpper(*key)
			}
			if s == nil { // retraction: the aggregate columns are NULL
				return row{{"symbol", strOrNil(key)}, {"net", nil}, {"n", nil}, {"sym", sym}}
			}
			return row{{"symbol", strOrNil(key)}, {"net", s.net.val()}, {"n", s.n}, {"sym", sym}}
		})
		if retractions < 10 {
			t.Fatalf("the data gives only %d retractions", retractions)
		}
		checkRows(t, "net_flow", parseRows(t, readFile(t, dir, "net_flow.jsonl")), want)
		if got, want := statsLine(t, res.Stderr, "net_flow"), "net_flow: emitted "+itoa(len(want)); got != want {
			t.Errorf("stats: got %q, want %q", got, want)
		}
	})

	t.Run("windowed", func(t *testing.T) {
		want, retractions := refChanges(orders, 10000, func(s *sum, o order) { s.add(o.qty) },
			func(s *sum) bool { return isTrue(cmpGT(s.val(), 1000)) },
			func(start int64, key *string, s *sum) row {
				if s == nil {
					return row{{"symbol", strOrNil(key)}, {"q", nil}, {"ws", start}}
				}
				return row{{"symbol", strOrNil(key)}, {"q", s.val()}, {"ws", start}}
			})
		if retractions < 10 {
			t.Fatalf("the data gives only %d retractions", retractions)
		}
		checkRows(t, "windowed_changes", parseRows(t, readFile(t, dir, "windowed_changes.jsonl")), want)
	})
}
