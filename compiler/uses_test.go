package compiler

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// useString renders a Use as the paths it reads: "items[].sku items[].weights[]", "*" for all.
func useString(u *Use, t Type) string {
	if u == nil || u.All {
		return "*"
	}
	var paths []string
	var walk func(u *Use, t Type, at string)
	walk = func(u *Use, t Type, at string) {
		if u == nil || u.All {
			paths = append(paths, at)
			return
		}
		switch t.Kind {
		case Struct:
			for i, f := range t.N.Fields {
				if fu, ok := u.Fields[i]; ok {
					walk(fu, f.T, at+"."+f.Name)
				}
			}
		case Array, Map:
			walk(u.Elem, t.N.Elem, at+"[]")
		}
	}
	walk(u, t, "")
	sort.Strings(paths)
	return strings.Join(paths, " ")
}

// TestUses: decoders read only the parts of nested columns that queries read, through derived streams too.
func TestUses(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  map[string]string // column: the paths read
	}{
		{`SELECT customer.region, items[1].sku FROM o`, map[string]string{"customer": ".region", "items": "[].sku"}},
		{`SELECT customer, CARDINALITY(items) AS n FROM o`, map[string]string{"customer": "*", "items": "*"}},
		{`SELECT o.customer.region AS r, SUM(item.qty) AS q FROM o CROSS JOIN UNNEST(o.items) AS t(item) GROUP BY o.customer.region`,
			map[string]string{"customer": ".region", "items": "[].qty"}},
		{`SELECT item.sku, SUM(w) AS s FROM o CROSS JOIN UNNEST(items) AS t(item) CROSS JOIN UNNEST(item.weights) AS u(w) GROUP BY item.sku`,
			map[string]string{"items": "[].sku [].weights[]"}},
		{`CREATE STREAM d AS SELECT id, customer FROM o; SELECT customer.tier FROM d`, map[string]string{"customer": ".tier"}},
		{`CREATE STREAM d AS SELECT id, customer FROM o WITH ('d.path' = 'd.jsonl'); SELECT customer.tier FROM d`,
			map[string]string{"customer": "*"}}, // d's sink writes the whole value
	} {
		src := `CREATE STREAM o (id BIGINT, customer STRUCT(region VARCHAR, tier VARCHAR, name VARCHAR),
  items STRUCT(sku VARCHAR, qty INT, weights DOUBLE[])[], ts TIMESTAMP) WITH ('path' = 'o.jsonl', 'event.time.field' = 'ts');
` + tc.query + ";"
		p, diags := Compile("job.sql", []byte(src), nil)
		if p == nil {
			t.Fatalf("%s: %v", tc.query, diags)
		}
		got := map[string]string{}
		for _, f := range p.Sources[0].Fields {
			if _, asked := tc.want[f.Name]; asked {
				got[f.Name] = useString(f.Use, f.Type)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.query, got, tc.want)
		}
	}
}
