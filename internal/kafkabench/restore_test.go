package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// accountOrders returns the orders the restore measurement generates for seed and accounts, as keys and values.
func accountOrders(seed uint64, accounts int) (keys []string, values [][]byte) {
	g := newAccountGen(seed, accounts)
	for range g.records() {
		v, k := g.next(nil)
		keys, values = append(keys, k), append(values, v)
	}
	return keys, values
}

// TestAccountGen checks what the restore measurement relies on: every value decodes into the job's schema with
// its key as the account, every account has one or two orders (about half of them two), so the job's state has
// one group per account, and the same seed generates the same orders.
func TestAccountGen(t *testing.T) {
	const accounts = 20000
	keys, values := accountOrders(3, accounts)
	perAccount := map[string]int{}
	for i, v := range values {
		var o struct {
			Account  string `json:"account"`
			Quantity int64  `json:"quantity"`
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("order %d %s: %v", i, v, err)
		}
		if o.Account != keys[i] || o.Quantity < 1 || o.Quantity > 100 {
			t.Fatalf("order %d %s has key %q; want the account as key and a quantity of 1 to 100", i, v, keys[i])
		}
		perAccount[o.Account]++
	}
	twice := 0
	for a, n := range perAccount {
		if n == 2 {
			twice++
		} else if n != 1 {
			t.Errorf("account %s has %d orders, want 1 or 2", a, n)
		}
	}
	if len(perAccount) != accounts || len(values) != accounts+twice {
		t.Errorf("%d orders of %d accounts, %d with two; want %d accounts", len(values), len(perAccount), twice, accounts)
	}
	if twice < accounts*45/100 || twice > accounts*55/100 {
		t.Errorf("%d of %d accounts have two orders, want about half", twice, accounts)
	}
	if keys[0] != "acct-0000000" || keys[accounts-1] != "acct-0019999" {
		t.Errorf("the first pass goes through the accounts in turn; got %s first and %s last", keys[0], keys[accounts-1])
	}

	again, same := 0, 0
	keys2, values2 := accountOrders(3, accounts)
	other, _ := accountOrders(4, accounts)
	for i := range values {
		if keys2[i] != keys[i] || !bytes.Equal(values2[i], values[i]) {
			again++
		}
		if i < len(other) && other[i] == keys[i] {
			same++
		}
	}
	if again > 0 || len(values2) != len(values) {
		t.Errorf("seed 3 generated different orders in two runs (%d differ)", again)
	}
	if same == len(values) {
		t.Error("seeds 3 and 4 generated the same accounts in the same order")
	}
}

func TestAppendAccount(t *testing.T) {
	for a, want := range map[int]string{0: "acct-0000000", 42: "acct-0000042", 999_999: "acct-0999999",
		1_000_000: "acct-1000000", 12_345_678: "acct-12345678"} {
		if got := string(appendAccount([]byte("x"), a)); got != "x"+want {
			t.Errorf("appendAccount(%d) = %s, want x%s", a, got, want)
		}
	}
}

func TestParseRestore(t *testing.T) {
	log := `orders: reading kafka topic "in" as group "g"
orders: restoring state from changelog topic "g-totals-changelog": 400000 of 1000018 records (40%)
orders: restored 12 groups of query other from changelog topic "g-other-changelog" (30 records) in 5ms
orders: restored 1000000 groups of query totals from changelog topic "g-totals-changelog" (1000018 records) in 2.345s
orders: read 0, bad 0, late 0
totals: emitted 0
`
	got, err := parseRestore(log, "totals")
	want := restoreLine{groups: 1_000_000, records: 1_000_018, topic: "g-totals-changelog", took: 2345 * time.Millisecond}
	if err != nil || got != want {
		t.Errorf("parseRestore = %+v, %v; want %+v", got, err, want)
	}
	if got, err := parseRestore(log, "other"); err != nil || got.took != 5*time.Millisecond || got.groups != 12 {
		t.Errorf("parseRestore of query other = %+v, %v", got, err)
	}

	// No line (the changelog was empty, or the job did not restore), or two (restored twice, after a rebalance):
	// the run measured something else.
	for _, log := range []string{
		"orders: read 0, bad 0, late 0\n",
		strings.Repeat(`orders: restored 5 groups of query totals from changelog topic "t" (5 records) in 1ms`+"\n", 2),
	} {
		if _, err := parseRestore(log, "totals"); err == nil {
			t.Errorf("parseRestore accepted:\n%s", log)
		}
	}
}

func TestRestoreReport(t *testing.T) {
	r := &restoreResult{groups: 1_000_000, records: 1_499_721, partitions: 6,
		changelog: []float64{1_000_018, 1_000_024, 1_000_030}, restore: []float64{2.5, 2.1, 3.4}, whole: []float64{4, 3.5, 5}}
	want := `
### State restore

- Input: 1,499,721 JSON orders of 1,000,000 accounts keyed by account, 6 partitions. The job built the state of its
  GROUP BY account in one run, then was restarted with nothing new to read: 3 restarts measured.

| groups | changelog records | median restore | min–max restore | median whole run | groups/s restored |
|---:|---:|---:|---:|---:|---:|
| 1,000,000 | 1,000,024 | 2.50 s | 2.10–3.40 s | 4.00 s | 400,000 |

- Restore of 1,000,000 groups: 2.50 s, target < 5 s for 1,000,000 groups: met.
`
	if got := restoreReport(r); got != want {
		t.Errorf("restoreReport:\n%s\nwant:\n%s", got, want)
	}

	r.restore = []float64{5, 6, 7}
	if got := restoreReport(r); !strings.Contains(got, "| 6.00 s | 5.00–7.00 s |") ||
		!strings.Contains(got, "- Restore of 1,000,000 groups: 6.00 s, target < 5 s for 1,000,000 groups: missed.") {
		t.Errorf("restoreReport of a missed target:\n%s", got)
	}
	r.groups, r.restore = 100_000, []float64{0.25}
	if got := restoreReport(r); !strings.Contains(got, "| 100,000 | 1,000,024 | 0.25 s | 0.25–0.25 s | 4.00 s | 400,000 |") ||
		!strings.Contains(got, "- Restore of 100,000 groups: 0.25 s; the target (1,000,000 groups in less than 5 s) is not judged on fewer groups.") {
		t.Errorf("restoreReport of fewer groups than the target's:\n%s", got)
	}

	// The report carries the restore's section after the throughput's, or none when it was skipped.
	rows := summarize([]*contender{{title: "passthrough", rates: []float64{1000}, cpuPerM: []float64{1}}})
	if got := report(setup{}, rows, r); !strings.Contains(got, "(baseline)") || !strings.HasSuffix(got, restoreReport(r)) {
		t.Errorf("report with the restore measurement:\n%s", got)
	}
	if got := report(setup{}, rows, nil); strings.Contains(got, "State restore") {
		t.Errorf("report without the restore measurement:\n%s", got)
	}
}
