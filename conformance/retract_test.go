package conformance

import (
	"strings"
	"testing"

	"github.com/velocc/velocc/compiler"
)

// TestCompareRetractions checks the _retract column of a query whose rows can be retractions: velocc marks a
// retraction with "_retract":true and writes other rows without the key, which reads as false; DuckDB computes the
// column, and a retraction matches only a retraction.
func TestCompareRetractions(t *testing.T) {
	cols := []*compiler.Column{
		{Name: "k", Type: compiler.TVarchar},
		{Name: "n", Type: compiler.TBigInt},
		{Name: retractColumn, Type: compiler.TBool},
	}
	velocc := `{"k":"a","n":1}
{"k":"a","n":null,"_retract":true}
{"k":"a","n":2}
`
	duck := &duckResult{
		names: []string{"k", "n", "_retract"},
		types: []string{"VARCHAR", "BIGINT", "BOOLEAN"},
		rows:  [][]any{{"a", int64(2), false}, {"a", nil, true}, {"a", int64(1), false}},
	}
	dt, err := duck.table(cols, false)
	if err != nil {
		t.Fatal(err)
	}
	vt, err := readVelocc([]byte(velocc), dt.cols)
	if err != nil {
		t.Fatal(err)
	}
	if diff := compareTables(vt, dt, false); diff != "" {
		t.Fatalf("equal results differ:\n%s", diff)
	}
	duck.rows[1][2] = false // a normal row of NULL is not a retraction
	dt, _ = duck.table(cols, false)
	if diff := compareTables(vt, dt, false); !strings.Contains(diff, "only in velocc") {
		t.Errorf("a retraction matched a normal row:\n%s", diff)
	}
	if _, err := readVelocc([]byte(`{"k":"a"}`+"\n"), dt.cols); err == nil {
		t.Errorf("a row missing a column other than _retract was accepted")
	}
}
