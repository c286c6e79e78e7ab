package e2e

// --workers with the further aggregates: each worker's partial states (kept values of the quantiles, sketches,
// joined strings, co-moments, best rows, first and last values) merged in file order give the rows of one worker.

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func init() {
	jobScripts["workers_fagg"] = `CREATE STREAM orders ` + orderSchema + `
  WITH ('type'='file_source', 'path'='orders.jsonl', 'on.error'='skip');
SELECT symbol, MEDIAN(price) AS med, QUANTILE_CONT(quantity, 0.9) AS q90, PERCENTILE_DISC(0.25) WITHIN GROUP (ORDER BY side DESC) AS p25,
       MEDIAN(event_time) AS mt, APPROX_COUNT_DISTINCT(price) AS nd, APPROX_COUNT_DISTINCT(side) AS nside,
       STRING_AGG(CASE WHEN quantity > 995 THEN side END, ',') AS rare_sides, LENGTH(STRING_AGG(side, '')) AS side_chars,
       REGR_COUNT(price, quantity) AS rc, COVAR_POP(price, quantity) AS cp, CORR(price, quantity) AS c,
       REGR_SLOPE(price, quantity) AS slope, ARG_MIN(side, price) AS amin, ARG_MAX(event_time, quantity) AS amax,
       BOOL_OR(side = 'HOLD') AS bo, BOOL_AND(quantity > -200) AS ba, EARLIEST_BY_OFFSET(side) AS e,
       LATEST_BY_OFFSET(price) AS l, LATEST_BY_OFFSET(side, FALSE) AS lf
FROM orders GROUP BY symbol EMIT FINAL;
`
}

// floatColumns are the DOUBLE statistics whose merged value may differ from one pass in the last bits.
var floatColumns = map[string]bool{"cp": true, "c": true, "slope": true}

func TestWorkersFagg(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	data := ordersJSONL(genOrders(23, 100000, 0), 23)
	if len(data) < 3<<20 {
		t.Fatalf("only %d bytes of input: too few to split among workers", len(data))
	}
	writeFile(t, dir, "orders.jsonl", data)
	one := runOK(t, "workers_fagg", dir, "--bounded", "--workers", "1")
	oneRows := strings.Split(strings.TrimSpace(one.Stdout), "\n")
	if len(oneRows) < 5 {
		t.Fatalf("too few rows to compare:\n%s", one.Stdout)
	}
	// Every column has a value in some row, so that no comparison below is of NULLs only.
	seen := map[string]bool{}
	for _, r := range oneRows {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r), &m); err != nil {
			t.Fatal(err)
		}
		for col, v := range m {
			seen[col] = seen[col] || string(v) != "null"
		}
	}
	for col, ok := range seen {
		if !ok {
			t.Errorf("column %s is NULL in every row:\n%s", col, one.Stdout)
		}
	}
	for _, n := range []string{"2", "3"} {
		res := runOK(t, "workers_fagg", dir, "--bounded", "--workers", n)
		if !strings.Contains(res.Stderr, "orders: "+n+" workers read orders.jsonl") {
			t.Fatalf("--workers %s did not split the input:\n%s", n, res.Stderr)
		}
		rows := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if len(rows) != len(oneRows) {
			t.Fatalf("--workers %s: %d rows, one worker %d", n, len(rows), len(oneRows))
		}
		for i := range rows {
			var got, want map[string]json.RawMessage
			if err := json.Unmarshal([]byte(rows[i]), &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(oneRows[i]), &want); err != nil {
				t.Fatal(err)
			}
			for col, w := range want {
				g := got[col]
				if floatColumns[col] {
					var gf, wf float64
					if json.Unmarshal(g, &gf) != nil || json.Unmarshal(w, &wf) != nil || math.Abs(gf-wf) > 1e-9*math.Max(1, math.Abs(wf)) {
						t.Errorf("--workers %s, row %d: %s = %s, one worker %s", n, i, col, g, w)
					}
				} else if string(g) != string(w) {
					t.Errorf("--workers %s, row %d: %s = %s, one worker %s", n, i, col, g, w)
				}
			}
		}
	}
}
