// Comparing nested values: a STRUCT field by field, an ARRAY element by element in order, a MAP as a set of
// entries, with the scalar rules at every level.
package conformance

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/velocc/velocc/compiler"
)

// leafMode is the comparison mode of a scalar leaf of a nested type.
func leafMode(t *ntype) colMode {
	return colMode{typ: t.scalar, approx: t.approx, abs: t.abs}
}

// setLeafModes marks the DOUBLE leaves of t approximate, as modes does a DOUBLE column.
func setLeafModes(t *ntype) {
	switch t.kind {
	case nStruct:
		for _, f := range t.fields {
			setLeafModes(f.t)
		}
	case nList:
		setLeafModes(t.elem)
	case nMap:
		setLeafModes(t.key)
		setLeafModes(t.val)
	default:
		if t.scalar.Kind == compiler.Double {
			t.approx, t.abs = true, absTol
		}
	}
}

// matchDuckType walks DuckDB's type of a column (d) along velocc's (v): the shapes must agree, and a DuckDB DOUBLE
// leaf where velocc has an exact number makes that leaf approximate when the case differs (else it is an error).
func matchDuckType(v, d *ntype, differs bool, at string) error {
	if v.kind != d.kind {
		return fmt.Errorf("%s is %s in velocc but %s in DuckDB", at, v, d)
	}
	switch v.kind {
	case nStruct:
		if len(v.fields) != len(d.fields) {
			return fmt.Errorf("%s is %s in velocc but %s in DuckDB", at, v, d)
		}
		for i, f := range v.fields {
			k := d.field(f.name)
			if k < 0 {
				return fmt.Errorf("%s: DuckDB's %s has no field %q", at, d, f.name)
			}
			if err := matchDuckType(f.t, d.fields[k].t, differs, at+"."+f.name); err != nil {
				return err
			}
			_ = i
		}
	case nList:
		return matchDuckType(v.elem, d.elem, differs, at+"[]")
	case nMap:
		if err := matchDuckType(v.key, d.key, differs, at+" key"); err != nil {
			return err
		}
		return matchDuckType(v.val, d.val, differs, at+" value")
	default:
		if d.scalar.Kind != compiler.Double {
			return nil
		}
		switch v.scalar.Kind {
		case compiler.Decimal, compiler.Int, compiler.BigInt:
			if !differs {
				return fmt.Errorf("%s is %s in velocc but DOUBLE in DuckDB: cast the DuckDB result, or say why the case "+
					"differs with -- differs \"REASON\" -- (then it is compared within tolerance)", at, v.scalar)
			}
			v.approx = true
			v.abs = 1
			for k := int32(0); k < v.scalar.Scale; k++ {
				v.abs /= 10
			}
		}
	}
	return nil
}

// nestedVal builds a normalized nested value from its parts: STRUCT fields in type order, ARRAY elements in order,
// MAP entries sorted by their keys (keys are compared exactly). Its exact text holds every exactly compared part,
// with "~" for an approximate leaf, so that rows group by it; near compares the rest.
func nestedVal(t *ntype, keys, kids []val) val {
	if t.kind == nMap {
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]].exact < keys[idx[b]].exact })
		k2, v2 := make([]val, len(keys)), make([]val, len(kids))
		for i, j := range idx {
			k2[i], v2[i] = keys[j], kids[j]
		}
		keys, kids = k2, v2
	}
	exact := func(v val, t *ntype) string {
		switch {
		case v.null:
			return "\x01null"
		case !t.nested() && t.approx:
			return "~"
		}
		return strconv.Quote(v.exact)
	}
	var ex, sh strings.Builder
	switch t.kind {
	case nStruct:
		ex.WriteString("{")
		sh.WriteString("{")
		for i, f := range t.fields {
			if i > 0 {
				ex.WriteString(",")
				sh.WriteString(", ")
			}
			ex.WriteString(exact(kids[i], f.t))
			sh.WriteString(fieldName(f.name) + ": " + kids[i].show)
		}
		ex.WriteString("}")
		sh.WriteString("}")
	case nList:
		ex.WriteString("[")
		sh.WriteString("[")
		for i, k := range kids {
			if i > 0 {
				ex.WriteString(",")
				sh.WriteString(", ")
			}
			ex.WriteString(exact(k, t.elem))
			sh.WriteString(k.show)
		}
		ex.WriteString("]")
		sh.WriteString("]")
	case nMap:
		ex.WriteString("map{")
		sh.WriteString("MAP{")
		for i := range keys {
			if i > 0 {
				ex.WriteString(",")
				sh.WriteString(", ")
			}
			ex.WriteString(exact(keys[i], t.key) + ":" + exact(kids[i], t.val))
			sh.WriteString(keys[i].show + ": " + kids[i].show)
		}
		ex.WriteString("}")
		sh.WriteString("}")
	}
	return val{exact: ex.String(), show: sh.String(), keys: keys, kids: kids}
}

// nearNested reports whether two nested values are equal, exactly or within their leaves' tolerance. NULL equals
// only NULL at every level: a NULL STRUCT is not a STRUCT of NULLs, a NULL ARRAY is not an empty one, and a MAP
// entry with a NULL value is not a missing entry.
func nearNested(a, b val, t *ntype) bool {
	if a.null || b.null {
		return a.null == b.null
	}
	if !t.nested() {
		return near(a, b, leafMode(t))
	}
	if !t.hasApprox() {
		return a.exact == b.exact
	}
	if len(a.kids) != len(b.kids) || len(a.keys) != len(b.keys) {
		return false
	}
	for i := range a.kids {
		kt := t.elem
		switch t.kind {
		case nStruct:
			kt = t.fields[i].t
		case nMap:
			kt = t.val
			if !nearNested(a.keys[i], b.keys[i], t.key) {
				return false
			}
		}
		if !nearNested(a.kids[i], b.kids[i], kt) {
			return false
		}
	}
	return true
}

// veloccNested normalizes a nested value of velocc's JSON output: a STRUCT is an object with every field of its
// type (in any order), an ARRAY an array, a MAP an object {"key": value} whose keys are the text of the MAP's keys.
func veloccNested(raw any, t *ntype, at string) (val, error) {
	if raw == nil {
		return nullVal(), nil
	}
	if !t.nested() {
		v, err := veloccVal(raw, leafMode(t))
		if err != nil {
			return val{}, fmt.Errorf("%s: %v", at, err)
		}
		return v, nil
	}
	switch t.kind {
	case nStruct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return val{}, fmt.Errorf("%s: want an object for %s, got %s", at, t, showJSON(raw))
		}
		kids := make([]val, len(t.fields))
		for _, f := range t.fields {
			if _, ok := obj[f.name]; !ok {
				return val{}, fmt.Errorf("%s: the field %q of %s is missing", at, f.name, t)
			}
		}
		for name, x := range obj {
			i := -1
			for k, f := range t.fields {
				if f.name == name {
					i = k
				}
			}
			if i < 0 {
				return val{}, fmt.Errorf("%s: %q is not a field of %s", at, name, t)
			}
			v, err := veloccNested(x, t.fields[i].t, at+"."+name)
			if err != nil {
				return val{}, err
			}
			kids[i] = v
		}
		return nestedVal(t, nil, kids), nil
	case nList:
		arr, ok := raw.([]any)
		if !ok {
			return val{}, fmt.Errorf("%s: want an array for %s, got %s", at, t, showJSON(raw))
		}
		kids := make([]val, len(arr))
		for i, x := range arr {
			v, err := veloccNested(x, t.elem, fmt.Sprintf("%s[%d]", at, i+1))
			if err != nil {
				return val{}, err
			}
			kids[i] = v
		}
		return nestedVal(t, nil, kids), nil
	default:
		obj, ok := raw.(map[string]any)
		if !ok {
			return val{}, fmt.Errorf("%s: want an object for %s, got %s", at, t, showJSON(raw))
		}
		var keys, kids []val
		for k, x := range obj {
			var kv val
			switch t.key.scalar.Kind {
			case compiler.Varchar:
				kv = strVal(k)
			case compiler.Int, compiler.BigInt:
				i, ok := new(big.Int).SetString(k, 10)
				if !ok {
					return val{}, fmt.Errorf("%s: want an integer key for %s, got %q", at, t, k)
				}
				kv = intVal(i)
			default:
				return val{}, fmt.Errorf("%s: MAP keys of type %s are not compared", at, t.key)
			}
			v, err := veloccNested(x, t.val, fmt.Sprintf("%s[%q]", at, k))
			if err != nil {
				return val{}, err
			}
			keys, kids = append(keys, kv), append(kids, v)
		}
		return nestedVal(t, keys, kids), nil
	}
}

func showJSON(x any) string {
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprint(x)
	}
	return string(b)
}

// duckNested normalizes a nested value DuckDB returned: a STRUCT as map[string]any, a LIST or ARRAY as []any, a MAP
// as duckdb.OrderedMap (or duckdb.Map).
func duckNested(x any, t *ntype, at string) (val, error) {
	if x == nil {
		return nullVal(), nil
	}
	if !t.nested() {
		v, err := duckVal(x, leafMode(t))
		if err != nil {
			return val{}, fmt.Errorf("%s: %v", at, err)
		}
		return v, nil
	}
	switch t.kind {
	case nStruct:
		obj, ok := x.(map[string]any)
		if !ok {
			return val{}, fmt.Errorf("%s: want a STRUCT for %s, got %v (%T)", at, t, x, x)
		}
		kids := make([]val, len(t.fields))
		for i, f := range t.fields {
			y, ok := obj[f.name]
			if !ok {
				for name, z := range obj {
					if strings.EqualFold(name, f.name) {
						y, ok = z, true
					}
				}
			}
			if !ok {
				return val{}, fmt.Errorf("%s: DuckDB's STRUCT has no field %q", at, f.name)
			}
			v, err := duckNested(y, f.t, at+"."+f.name)
			if err != nil {
				return val{}, err
			}
			kids[i] = v
		}
		return nestedVal(t, nil, kids), nil
	case nList:
		arr, ok := x.([]any)
		if !ok {
			return val{}, fmt.Errorf("%s: want a LIST for %s, got %v (%T)", at, t, x, x)
		}
		kids := make([]val, len(arr))
		for i, y := range arr {
			v, err := duckNested(y, t.elem, fmt.Sprintf("%s[%d]", at, i+1))
			if err != nil {
				return val{}, err
			}
			kids[i] = v
		}
		return nestedVal(t, nil, kids), nil
	default:
		var ks, vs []any
		switch m := x.(type) {
		case duckdb.OrderedMap:
			ks, vs = m.Keys(), m.Values()
		case duckdb.Map:
			for k, v := range m {
				ks, vs = append(ks, k), append(vs, v)
			}
		default:
			return val{}, fmt.Errorf("%s: want a MAP for %s, got %v (%T)", at, t, x, x)
		}
		keys, kids := make([]val, len(ks)), make([]val, len(vs))
		for i := range ks {
			k, err := duckNested(ks[i], t.key, at+" key")
			if err != nil {
				return val{}, err
			}
			v, err := duckNested(vs[i], t.val, fmt.Sprintf("%s[%s]", at, k.show))
			if err != nil {
				return val{}, err
			}
			keys[i], kids[i] = k, v
		}
		return nestedVal(t, keys, kids), nil
	}
}
