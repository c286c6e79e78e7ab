package e2e

// --workers: a bounded file split among goroutines gives exactly the rows of one worker, in the same order, for
// JSON lines and CSV; bad records are reported at their real line; jobs that cannot merge run on one worker and
// say why.

import (
	"strings"
	"testing"
)

func init() {
	jobScripts["workers"] = `CREATE STREAM orders ` + orderSchema + `
  WITH ('type'='file_source', 'path'='orders.jsonl', 'on.error'='skip');
SELECT symbol, COUNT(*) AS n, COUNT(quantity) AS nq, SUM(quantity) AS total, SUM(price * quantity) AS notional,
       MIN(price) AS low, MAX(price) AS high, AVG(price) AS avg_price, MIN(side) AS first_side_alpha,
       MAX(side) AS last_side_alpha, FIRST_VALUE(side) AS first_side, LAST_VALUE(quantity) AS last_qty,
       MAX(event_time) AS last_time
FROM orders GROUP BY symbol HAVING COUNT(*) > 1 EMIT FINAL;
CREATE STREAM everything AS SELECT COUNT(*) AS n, SUM(quantity) AS total, MIN(symbol) AS lo FROM orders EMIT FINAL
WITH ('everything.type'='file_sink', 'everything.path'='everything.jsonl');
`
	jobScripts["workers_serial"] = `CREATE STREAM orders ` + orderSchema + `
  WITH ('type'='file_source', 'path'='orders.jsonl');
SELECT symbol, COUNT(DISTINCT side) AS sides FROM orders GROUP BY symbol EMIT FINAL;
`
}

func TestWorkers(t *testing.T) {
	needBuild(t)
	orders := genOrders(17, 100000, 0)
	for _, format := range []string{"jsonl", "csv"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			data := ordersJSONL(orders, 17)
			if format == "csv" {
				data = ordersCSV(orders, true)
			}
			if len(data) < 3<<20 {
				t.Fatalf("only %d bytes of input: too few to split among workers", len(data))
			}
			writeFile(t, dir, "orders."+format, data)
			src := "orders=file:orders." + format
			one := runOK(t, "workers", dir, "--bounded", "--source", src, "--workers", "1")
			oneAll := readFile(t, dir, "everything.jsonl")
			for _, n := range []string{"2", "3"} {
				res := runOK(t, "workers", dir, "--bounded", "--source", src, "--workers", n)
				if !strings.Contains(res.Stderr, "orders: "+n+" workers read orders."+format) {
					t.Fatalf("--workers %s did not split the input:\n%s", n, res.Stderr)
				}
				if res.Stdout != one.Stdout {
					t.Errorf("--workers %s: the rows differ from one worker's:\n%s", n, firstDiff(one.Stdout, res.Stdout))
				}
				if all := readFile(t, dir, "everything.jsonl"); all != oneAll {
					t.Errorf("--workers %s: the global aggregate differs: %s vs %s", n, all, oneAll)
				}
				if statsLine(t, res.Stderr, "orders") != statsLine(t, one.Stderr, "orders") {
					t.Errorf("--workers %s: stats %q vs %q", n, statsLine(t, res.Stderr, "orders"), statsLine(t, one.Stderr, "orders"))
				}
			}
			if strings.Count(one.Stdout, "\n") < 3 {
				t.Errorf("too few rows to compare:\n%s", one.Stdout)
			}
		})
	}
}

// TestWorkersBadRecord: a bad record in the last worker's part is reported at its line in the whole file.
func TestWorkersBadRecord(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	lines := strings.Split(strings.TrimSuffix(string(ordersJSONL(genOrders(5, 60000, 0), 5)), "\n"), "\n")
	bad := len(lines) - 10
	lines[bad-1] = `{"symbol":"X","quantity":"many"}`
	writeFile(t, dir, "orders.jsonl", []byte(strings.Join(lines, "\n")+"\n"))
	res := runOK(t, "workers", dir, "--bounded", "--workers", "2")
	if !strings.Contains(res.Stderr, "orders: 2 workers read") {
		t.Fatalf("the input was not split:\n%s", res.Stderr)
	}
	want := "orders: skipped orders.jsonl:" + itoa(bad) + `: field "quantity"`
	if !strings.Contains(res.Stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, res.Stderr)
	}
}

// TestWorkersSerial: a job whose queries cannot merge partial results says so and runs on one worker.
func TestWorkersSerial(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	writeFile(t, dir, "orders.jsonl", ordersJSONL(genOrders(3, 100, 0), 3))
	one := runOK(t, "workers_serial", dir, "--bounded")
	res := runOK(t, "workers_serial", dir, "--bounded", "--workers", "4")
	if !strings.Contains(res.Stderr, "--workers 4: running on one worker: query select_1 has COUNT(DISTINCT ...)") || res.Stdout != one.Stdout {
		t.Errorf("stderr:\n%s\nrows equal: %v", res.Stderr, res.Stdout == one.Stdout)
	}
}
