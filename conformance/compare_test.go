package conformance

import (
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/velocc/velocc/compiler"
)

func TestCompare(t *testing.T) {
	cols := []*compiler.Column{
		{Name: "k", Type: compiler.TVarchar},
		{Name: "n", Type: compiler.TBigInt},
		{Name: "d", Type: compiler.Dec(10, 4)},
		{Name: "x", Type: compiler.TDouble},
		{Name: "ts", Type: compiler.TTimestamp},
	}
	velocc := `{"k":"a","n":1,"d":12.3400,"x":0.1,"ts":1000}
{"k":"a","n":1,"d":12.3400,"x":0.1,"ts":1000}
{"k":null,"n":-5,"d":-0.0001,"x":null,"ts":null}
{"k":"b","n":2,"d":0.0000,"x":1e+21,"ts":-1}
`
	dec := func(s string, scale uint8) duckdb.Decimal {
		v, _ := new(big.Int).SetString(s, 10)
		return duckdb.Decimal{Width: 18, Scale: scale, Value: v}
	}
	ms := func(v int64) any { return timeMs(v) }
	duck := &duckResult{
		names: []string{"k", "n", "d", "x", "ts"},
		types: []string{"VARCHAR", "HUGEINT", "DECIMAL(18,2)", "DOUBLE", "TIMESTAMP"},
		rows: [][]any{ // the same multiset in another order; decimals at another scale; x within tolerance
			{"b", big.NewInt(2), dec("0", 2), 1e21 * (1 + 1e-12), ms(-1)},
			{nil, int64(-5), dec("-1", 4), math.NaN(), nil},
			{"a", int32(1), dec("1234", 2), 0.1, ms(1000)},
			{"a", int64(1), dec("1234", 2), 0.1, ms(1000)},
		},
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
	if diff := compareTables(vt, dt, true); !strings.Contains(diff, "row 1:") {
		t.Errorf("in order, the rows differ from row 1; got\n%s", diff)
	}

	// One duplicate fewer, a changed value: both show up.
	duck.rows = duck.rows[:3]
	duck.rows[2] = []any{"a", int32(1), dec("1235", 2), 0.1, ms(1000)}
	dt, _ = duck.table(cols, false)
	diff := compareTables(vt, dt, false)
	for _, want := range []string{
		"velocc 4 rows, DuckDB 3 rows; 2 only in velocc, 1 only in DuckDB",
		`- only in velocc:`, `(k="a", n=1, d=12.3400, x=0.1, ts=1970-01-01T00:00:01.000Z (1000 ms))`,
		`+ only in DuckDB:`, `(k="a", n=1, d=12.35, x=0.1, ts=1970-01-01T00:00:01.000Z (1000 ms))`,
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
}

func TestCompareTypes(t *testing.T) {
	cols := []*compiler.Column{{Name: "a", Type: compiler.Dec(38, 6)}}
	duck := &duckResult{names: []string{"a"}, types: []string{"DOUBLE"}, rows: [][]any{{1.0 / 3}}}
	if _, err := duck.table(cols, false); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("DECIMAL against DOUBLE without differs: %v", err)
	}
	dt, err := duck.table(cols, true)
	if err != nil {
		t.Fatal(err)
	}
	vt, err := readVelocc([]byte(`{"a":0.333333}`+"\n"), dt.cols)
	if err != nil {
		t.Fatal(err)
	}
	if diff := compareTables(vt, dt, false); diff != "" {
		t.Errorf("within one unit of the last digit:\n%s", diff)
	}
	vt, _ = readVelocc([]byte(`{"a":0.333335}`+"\n"), dt.cols)
	if diff := compareTables(vt, dt, false); diff == "" {
		t.Errorf("two units off compare equal")
	}

	duck = &duckResult{names: []string{"A"}, types: []string{"DECIMAL(38,6)"}}
	if _, err := duck.table(cols, false); err == nil || !strings.Contains(err.Error(), "column names differ") {
		t.Errorf("names a and A: %v", err)
	}
	for _, bad := range []string{`{"a":1.5}`, `{"a":"1.500000"}`, `{"b":1.500000}`, `{"a":1.500000,"_retract":true}`, `{}`} {
		if _, err := readVelocc([]byte(bad), modes(cols)); err == nil {
			t.Errorf("readVelocc(%s) accepted it", bad)
		}
	}
}

func timeMs(v int64) any { return time.UnixMilli(v).UTC() }
