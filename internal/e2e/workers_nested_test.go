package e2e

// --workers with LIST and COLLECT_SET of nested values: each worker's kept key forms, merged in file order, give
// the rows of one worker.

import (
	"strings"
	"testing"
)

func init() {
	jobScripts["workers_nested"] = `CREATE STREAM orders ` + orderSchema + `
  WITH ('type'='file_source', 'path'='orders.jsonl', 'on.error'='skip');
SELECT symbol, LIST(CASE WHEN quantity > 990 THEN {'side': side, 'q': quantity, 'p': [price]} END) AS big,
       COLLECT_SET(ROW(side, quantity % 3)) AS kinds, COUNT(*) AS n
FROM orders GROUP BY symbol EMIT FINAL;
`
}

func TestWorkersNested(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	data := ordersJSONL(genOrders(29, 100000, 0), 29)
	if len(data) < 3<<20 {
		t.Fatalf("only %d bytes of input: too few to split among workers", len(data))
	}
	writeFile(t, dir, "orders.jsonl", data)
	one := runOK(t, "workers_nested", dir, "--bounded", "--workers", "1")
	if rows := strings.Count(one.Stdout, "\n"); rows < 5 || !strings.Contains(one.Stdout, `"big":[`) || !strings.Contains(one.Stdout, `{"v1":`) {
		t.Fatalf("too few rows or no nested values to compare:\n%s", one.Stdout)
	}
	res := runOK(t, "workers_nested", dir, "--bounded", "--workers", "3")
	if !strings.Contains(res.Stderr, "orders: 3 workers read orders.jsonl") {
		t.Fatalf("--workers 3 did not split the input:\n%s", res.Stderr)
	}
	if res.Stdout != one.Stdout {
		t.Errorf("--workers 3 wrote\n%s\none worker\n%s", res.Stdout, one.Stdout)
	}
}
