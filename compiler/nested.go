// Nested types: STRUCT, ARRAY and MAP. A nested type's description is interned by its text, so that Type stays a
// comparable value and two types are equal exactly when they are written alike (field names compare as written).
package compiler

import (
	"fmt"
	"strings"
	"sync"

	"github.com/velocc/velocc/grammar"
)

// Nested describes a STRUCT (Fields), an ARRAY (Elem) or a MAP (Key, Elem: its value type).
type Nested struct {
	Fields []StructField
	Key    Type
	Elem   Type
	text   string // the type as SQL writes it, DuckDB's way: STRUCT(a INT), INT[], MAP(VARCHAR, INT)
}

// StructField is one field of a STRUCT. A field's value may be NULL, as in DuckDB. GoName is the field's name in
// the generated Go struct, which also has GoName+"Null", its NULL flag.
type StructField struct {
	Name   string
	T      Type
	GoName string
}

// nestedTypes interns nested types by text.
var nestedTypes sync.Map // string → *Nested

func intern(kind Kind, n *Nested) Type {
	v, _ := nestedTypes.LoadOrStore(n.text, n)
	return Type{Kind: kind, N: v.(*Nested)}
}

// StructOf returns STRUCT(fields...).
func StructOf(fields []StructField) Type {
	parts := make([]string, len(fields))
	goNames := map[string]int{}
	fields = append([]StructField(nil), fields...)
	for i, f := range fields {
		parts[i] = fieldName(f.Name) + " " + f.T.String()
		fields[i].GoName = uniqueGoName(goNames, f.Name)
		goNames[fields[i].GoName+"Null"]++
	}
	return intern(Struct, &Nested{Fields: fields, text: "STRUCT(" + strings.Join(parts, ", ") + ")"})
}

// ArrayOf returns elem[].
func ArrayOf(elem Type) Type { return intern(Array, &Nested{Elem: elem, text: elem.String() + "[]"}) }

// MapOf returns MAP(key, value).
func MapOf(key, value Type) Type {
	return intern(Map, &Nested{Key: key, Elem: value, text: "MAP(" + key.String() + ", " + value.String() + ")"})
}

// fieldName writes a field's name in a type's text, quoted when it is not a plain identifier.
func fieldName(name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
		}
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Field returns the field of a STRUCT type named name (case-insensitively, as columns are), or -1.
func (t Type) Field(name string) int {
	if t.Kind != Struct {
		return -1
	}
	for i, f := range t.N.Fields {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

// IsNested reports whether t is a STRUCT, ARRAY or MAP.
func (t Type) IsNested() bool { return t.N != nil }

// typeOf resolves a type as written: the nested types here, the others by parseTypeName.
func typeOf(tn *grammar.TypeName) (Type, string) {
	t, msg := baseType(tn)
	if msg != "" {
		return TInvalid, msg
	}
	for range tn.Dims {
		t = ArrayOf(t)
	}
	return t, ""
}

// baseType is the type tn names, before its [] suffixes.
func baseType(tn *grammar.TypeName) (Type, string) {
	name := strings.ToUpper(tn.Name)
	params := func(want int, what string) ([]Type, string) {
		if len(tn.Args) > 0 || len(tn.Params) != want {
			return nil, fmt.Sprintf("%s takes %s, as in %s", name, what, map[string]string{"ARRAY": "ARRAY<INT>", "LIST": "LIST<INT>", "MAP": "MAP(VARCHAR, BIGINT)"}[name])
		}
		var ts []Type
		for _, p := range tn.Params {
			if p.Field != nil {
				return nil, fmt.Sprintf("%s takes types, not named fields; a STRUCT names its fields", name)
			}
			t, msg := typeOf(p.Type)
			if msg != "" {
				return nil, msg
			}
			ts = append(ts, t)
		}
		return ts, ""
	}
	switch name {
	case "STRUCT", "ROW":
		if len(tn.Args) > 0 || len(tn.Params) == 0 {
			return TInvalid, "STRUCT takes its fields, as in STRUCT(street VARCHAR, zip INT)"
		}
		var fields []StructField
		seen := map[string]bool{}
		for _, p := range tn.Params {
			if p.Field == nil {
				return TInvalid, "each field of a STRUCT has a name and a type, as in STRUCT(street VARCHAR, zip INT)"
			}
			if seen[strings.ToLower(p.Field.Name)] {
				return TInvalid, fmt.Sprintf("STRUCT field %q is declared twice", p.Field.Name)
			}
			seen[strings.ToLower(p.Field.Name)] = true
			t, msg := typeOf(p.Type)
			if msg != "" {
				return TInvalid, msg
			}
			fields = append(fields, StructField{Name: p.Field.Name, T: t})
		}
		return StructOf(fields), ""
	case "ARRAY", "LIST":
		ts, msg := params(1, "its element type")
		if msg != "" {
			return TInvalid, msg
		}
		return ArrayOf(ts[0]), ""
	case "MAP":
		ts, msg := params(2, "a key type and a value type")
		if msg != "" {
			return TInvalid, msg
		}
		if k := ts[0].Kind; k != Varchar && k != Int && k != BigInt {
			return TInvalid, fmt.Sprintf("a MAP's keys are VARCHAR, INT or BIGINT (JSON object keys), not %s", ts[0])
		}
		return MapOf(ts[0], ts[1]), ""
	}
	if len(tn.Params) > 0 {
		return TInvalid, fmt.Sprintf("type %s takes no type parameters", name)
	}
	return parseTypeName(tn.Name, tn.Args)
}

// nestedCommon unifies two types of which one at least is nested, part by part, as DuckDB does: INT[] and
// BIGINT[] give BIGINT[]; STRUCTs need the same field names (case-insensitively), matched by name, in a's order.
func nestedCommon(a, b Type) (Type, bool) {
	if a.Kind != b.Kind {
		return TInvalid, false
	}
	switch a.Kind {
	case Array:
		e, ok := commonType(a.N.Elem, b.N.Elem)
		return ArrayOf(e), ok
	case Map:
		k, ok1 := commonType(a.N.Key, b.N.Key)
		v, ok2 := commonType(a.N.Elem, b.N.Elem)
		return MapOf(k, v), ok1 && ok2
	case Struct:
		if len(a.N.Fields) != len(b.N.Fields) {
			return TInvalid, false
		}
		fields := make([]StructField, len(a.N.Fields))
		for i, f := range a.N.Fields {
			j := b.Field(f.Name)
			if j < 0 {
				return TInvalid, false
			}
			t, ok := commonType(f.T, b.N.Fields[j].T)
			if !ok {
				return TInvalid, false
			}
			fields[i] = StructField{Name: f.Name, T: t}
		}
		return StructOf(fields), true
	}
	return TInvalid, false
}

// FieldOf reads field Index of the STRUCT X: NULL when X is NULL or the field is.
type FieldOf struct {
	X     Expr
	Index int
}

// Type is the field's type.
func (e *FieldOf) Type() Type { return e.X.Type().N.Fields[e.Index].T }

// ElemOf reads an element of the ARRAY X at Index (1-based, and from the end when negative, as in DuckDB), or the
// value of the MAP X for the key Index: NULL when X or Index is NULL, or there is no such element or key.
type ElemOf struct {
	X, Index Expr
}

// Type is the element's or value's type.
func (e *ElemOf) Type() Type { return e.X.Type().N.Elem }

// access checks x.field, x->field, x[index] and m[key].
func (c *checker) access(qc *qctx, v *grammar.Access, m mode) Expr {
	x := c.expr(qc, v.X, m)
	if x == nil {
		return nil
	}
	t := x.Type()
	text := c.loc(v.X.Span()).Text
	if v.Field != nil {
		if t.Kind != Struct {
			c.errorf(CodeTypeMismatch, v.Field.Span(), "%s is %s, not a STRUCT: it has no field %q", text, t, v.Field.Name)
			return nil
		}
		i := t.Field(v.Field.Name)
		if i < 0 {
			names := make([]string, len(t.N.Fields))
			for j, f := range t.N.Fields {
				names[j] = f.Name
			}
			c.errorf(CodeUnknownColumn, v.Field.Span(), "%s (%s) has no field %q%s", text, t, v.Field.Name, suggest(v.Field.Name, names))
			return nil
		}
		return &FieldOf{X: x, Index: i}
	}
	idx := c.expr(qc, v.Index, m)
	if idx == nil {
		return nil
	}
	if t.Kind != Array && t.Kind != Map {
		c.errorf(CodeTypeMismatch, v.Span(), "[...] reads an ARRAY's element or a MAP's value, but %s is %s", text, t)
		return nil
	}
	return c.elemOf(x, idx, v.Index.Span(), text)
}

// elemOf checks x[idx] (ELEMENT_AT(x, idx)) of an ARRAY or MAP x.
func (c *checker) elemOf(x, idx Expr, at grammar.Span, text string) Expr {
	t := x.Type()
	switch t.Kind {
	case Array:
		if k := idx.Type().Kind; k != Int && k != BigInt && k != Null {
			c.errorf(CodeTypeMismatch, at, "an ARRAY's index must be an integer, not %s", idx.Type())
			return nil
		}
		return &ElemOf{X: x, Index: c.convert(idx, TBigInt)}
	case Map:
		if _, ok := commonType(idx.Type(), t.N.Key); !ok {
			c.errorf(CodeTypeMismatch, at, "the keys of %s are %s, not %s", text, t.N.Key, idx.Type())
			return nil
		}
		return &ElemOf{X: x, Index: c.convert(idx, t.N.Key)}
	}
	return nil
}

// Construct builds a nested value, never NULL: an ARRAY of Args (ARRAY[...]), a STRUCT of Args in field order
// ({'a': x, ...}), or a MAP whose keys and values alternate in Args (MAP {k: v, ...}). Positional marks ROW(a, b),
// a STRUCT whose fields are named v1, v2, ... but which converts to another STRUCT by position.
type Construct struct {
	Args       []Expr
	T          Type
	Loc        Loc
	Positional bool
}

// Type is the constructed value's type.
func (e *Construct) Type() Type { return e.T }

// arrayLit checks ARRAY[a, b, ...]: its elements unified to one type.
func (c *checker) arrayLit(qc *qctx, v *grammar.ArrayLit, m mode) Expr {
	elems, t, ok := c.unifyAll(qc, v.Elems, m, "the elements of an ARRAY")
	if !ok {
		return nil
	}
	if len(v.Elems) == 0 || t.Kind == Null {
		c.errorf(CodeTypeMismatch, v.Span(), "the type of this ARRAY's elements is not known: give one element a type, as in [CAST(NULL AS INT)]")
		return nil
	}
	return &Construct{Args: elems, T: ArrayOf(t), Loc: c.loc(v.Span())}
}

// structLit checks {'name': value, ...} and MAP {key: value, ...}.
func (c *checker) structLit(qc *qctx, v *grammar.StructLit, m mode) Expr {
	if v.Map {
		keys, kt, ok := c.unifyAll(qc, v.Keys, m, "the keys of a MAP")
		if !ok {
			return nil
		}
		vals, vt, ok := c.unifyAll(qc, v.Values, m, "the values of a MAP")
		if !ok {
			return nil
		}
		if len(keys) == 0 || kt.Kind == Null || vt.Kind == Null {
			c.errorf(CodeTypeMismatch, v.Span(), "the types of this MAP's keys and values are not known: give a key and a value a type")
			return nil
		}
		if k := kt.Kind; k != Varchar && k != Int && k != BigInt {
			c.errorf(CodeTypeMismatch, v.Keys[0].Span(), "a MAP's keys are VARCHAR, INT or BIGINT, not %s", kt)
			return nil
		}
		var args []Expr
		for i := range keys {
			args = append(args, keys[i], vals[i])
		}
		return &Construct{Args: args, T: MapOf(kt, vt), Loc: c.loc(v.Span())}
	}
	var fields []StructField
	var args []Expr
	seen := map[string]bool{}
	for i, k := range v.Keys {
		var name string
		switch k := unparen(k).(type) {
		case *grammar.Literal:
			if k.Kind == grammar.LitString {
				name = k.Text
			}
		case *grammar.Column:
			if k.Qualifier == nil {
				name = k.Name.Name
			}
		}
		if name == "" {
			c.errorf(CodeTypeMismatch, k.Span(), "a STRUCT's field is named by a string or a name, as in {'zip': 1234}")
			return nil
		}
		if seen[strings.ToLower(name)] {
			c.errorf(CodeDuplicate, k.Span(), "STRUCT field %q is given twice", name)
			return nil
		}
		seen[strings.ToLower(name)] = true
		x := c.expr(qc, v.Values[i], m)
		if x == nil {
			return nil
		}
		if x.Type().Kind == Null {
			x = c.convert(x, TInt) // DuckDB's type of a NULL field
		}
		fields = append(fields, StructField{Name: name, T: x.Type()})
		args = append(args, x)
	}
	if len(fields) == 0 {
		c.errorf(CodeTypeMismatch, v.Span(), "a STRUCT has at least one field")
		return nil
	}
	return &Construct{Args: args, T: StructOf(fields), Loc: c.loc(v.Span())}
}

// unifyAll checks xs and converts them to their common type.
func (c *checker) unifyAll(qc *qctx, xs []grammar.Expr, m mode, what string) ([]Expr, Type, bool) {
	out := make([]Expr, len(xs))
	t := TNull
	for i, x := range xs {
		e := c.expr(qc, x, m)
		if e == nil {
			return nil, TInvalid, false
		}
		ct, ok := commonType(t, e.Type())
		if !ok {
			c.errorf(CodeTypeMismatch, x.Span(), "%s have one type: this is %s, the ones before %s", what, e.Type(), t)
			return nil, TInvalid, false
		}
		out[i], t = e, ct
	}
	for i := range out {
		out[i] = c.convert(out[i], t)
	}
	return out, t, true
}

// Explode is UNNEST(x) or EXPLODE(x) as a SELECT item: the query writes one row per element of the ARRAY x (none
// when x is NULL or empty), and this column holds the element. It is Query.Explode.
type Explode struct {
	Arg Expr
	T   Type
}

// Type is the element's type.
func (e *Explode) Type() Type { return e.T }

// explode checks UNNEST(x) / EXPLODE(x), which must be a whole SELECT item of a query that does not aggregate.
func (c *checker) explode(qc *qctx, v *grammar.Call, m mode) Expr {
	name := strings.ToUpper(v.Name.Name)
	switch {
	case m != modeRow || !qc.inSelect || qc.explodeItem != grammar.Expr(v):
		c.errorf(CodeUnsupported, v.Span(), "%s(x) is a whole SELECT item of a query that does not aggregate (one row per element), or FROM s CROSS JOIN UNNEST(x) AS t(col)", name)
		return nil
	case qc.q.Explode != nil:
		c.errorf(CodeUnsupported, v.Span(), "a query takes one %s: the others would have to be zipped or crossed; cross them with CROSS JOIN UNNEST(...) one after another", name)
		return nil
	case len(qc.q.Joins) > 0:
		c.errorf(CodeUnsupported, v.Span(), "%s in a query with joins is not supported yet: unnest in FROM (FROM s CROSS JOIN UNNEST(x) AS t(col) JOIN ...)", name)
		return nil
	case len(v.Args) != 1 || v.Star || v.Distinct:
		c.errorf(CodeArgCount, v.Span(), "%s takes one ARRAY", name)
		return nil
	}
	x := c.expr(qc, v.Args[0], m)
	if x == nil {
		return nil
	}
	if x.Type().Kind != Array {
		c.errorf(CodeTypeMismatch, v.Args[0].Span(), "%s takes an ARRAY, but this is %s", name, x.Type())
		return nil
	}
	e := &Explode{Arg: x, T: x.Type().N.Elem}
	qc.q.Explode = e
	return e
}
